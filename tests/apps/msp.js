// The files of an MSP directory the applications read: the certificate
// in signcerts/ and the key in keystore/, one file each.
'use strict';

const fs = require('fs');
const path = require('path');

function onlyFile(dir) {
	const names = fs.readdirSync(dir);
	if (names.length !== 1) throw new Error(`${dir}: expected one file, found ${names.length}`);
	return path.join(dir, names[0]);
}

module.exports = {
	certificate: (msp) => fs.readFileSync(onlyFile(path.join(msp, 'signcerts')), 'utf8'),
	privateKey: (msp) => fs.readFileSync(onlyFile(path.join(msp, 'keystore')), 'utf8'),
};
