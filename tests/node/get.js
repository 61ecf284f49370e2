// get.js FILE PATH - print the part of a JSON file at PATH (keys and array
// indexes separated by '/'), as compact JSON; "undefined" when absent.
'use strict';
const fs = require('fs');
const [file, path] = process.argv.slice(2);
let v = JSON.parse(fs.readFileSync(file, 'utf8'));
for (const k of (path || '').split('/').filter((x) => x !== ''))
	v = v === null || v === undefined ? undefined : v[k];
process.stdout.write((v === undefined ? 'undefined' : JSON.stringify(v)) + '\n');
