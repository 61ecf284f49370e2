#!/bin/sh
# render: substitution, variable sources, and every way a template can be wrong.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
printf 'ORG=org1\nNAME=from-file\n' > a.vars
printf 'NAME=from-second-file\nPORT=7051\n' > b.vars
cat > ok.yaml <<'Y'
apiVersion: v1
kind: Service
metadata:
  name: ${NAME}-svc
  namespace: $ORG
  annotations:
    cost: "$$5"
spec:
  ports: [{port: $PORT}]
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: $NAME, namespace: "${ORG}"}
Y

run render -f a.vars -f b.vars ok.yaml
is "$rc" 0 "renders"
is "$out" "$(cat <<'Y'
apiVersion: v1
kind: Service
metadata:
  name: from-second-file-svc
  namespace: org1
  annotations:
    cost: "$5"
spec:
  ports: [{port: 7051}]
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: from-second-file, namespace: "org1"}
Y
)" '$name, ${name} and $$; a later vars file wins; empty documents pass'

run render -D NAME=cli -f a.vars -f b.vars ok.yaml
like "$out" 'name: cli-svc' "-D wins over the files, given before them"

render -f a.vars -f b.vars -o out.yaml ok.yaml
ok $? "-o writes the result"
is "$(stat -c %a out.yaml)" 644 "with mode 644"
ok "$(ls out.yaml.tmp.* >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" "and no temporary file"

# ${name:+text}: the text, with its own variables, when name is not empty;
# nothing when it is empty
cat > opt.yaml <<'Y'
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports:
    - {name: grpc, port: $PORT ${NODEPORT:+, nodePort: $NODEPORT}}
    - {name: ops, port: 9443${OPS:+, nodePort: ${OPS}, x: "$$"}}
Y
run render -D PORT=7051 -D NODEPORT=30001 -D OPS=30002 opt.yaml
is "$rc:$out" "0:$(cat <<'Y'
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports:
    - {name: grpc, port: 7051 , nodePort: 30001}
    - {name: ops, port: 9443, nodePort: 30002, x: "$"}
Y
)" '${name:+text} with a value: the text, its variables and $$ substituted'
run render -D PORT=7051 -D NODEPORT= -D OPS= opt.yaml
is "$rc:$out" "0:$(cat <<'Y'
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports:
    - {name: grpc, port: 7051 }
    - {name: ops, port: 9443}
Y
)" '${name:+text} with an empty value: nothing, its text not even checked'

# --- errors: message with the template's line and column, status 1, no output ---
fails() { # fails DESCRIPTION EXPECTED-STDERR render-args...
	desc=$1 want=$2
	shift 2
	echo keep > prev.yaml
	run render "$@" -o prev.yaml
	is "$rc" 1 "$desc: exit status 1"
	is "$err" "$want" "$desc: message"
	is "$(cat prev.yaml)" keep "$desc: the output file is untouched"
}

fails "unknown variable" 'render: ok.yaml:9:18: unknown variable "PORT"' -f a.vars ok.yaml

printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata: {a: $(cat /etc/passwd)}\n' > stray.yaml
fails "stray dollar" "render: stray.yaml:5:11: stray '\$' (write \$\$ for a literal '\$')" stray.yaml

printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${x-y}\n' > brace.yaml
fails "malformed braces" "render: brace.yaml:4:9: malformed \${...}: expected \${name} or \${name:+text}, name of letters, digits and '_'" brace.yaml

printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${oops\n' > open.yaml
fails "unclosed brace" "render: open.yaml:4:9: malformed \${...}: expected \${name} or \${name:+text}, name of letters, digits and '_'" open.yaml

printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: $NAME\n  labels: $LABELS\n' > multi.yaml
fails "a value that breaks the YAML" \
	'render: multi.yaml:4:10: mapping values are not allowed in this context' \
	-D 'NAME=a: b' -D LABELS=x multi.yaml

printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {a: $V}\nspec: [\n' > late.yaml
fails "a syntax error after a multi-line value keeps template lines" \
	'render: late.yaml:7:1: did not find expected node content while parsing a flow node' \
	-D "V=\"x
y\"" late.yaml

printf 'apiVersion: v1\nmetadata:\n  name: x\n---\nkind: Pod\napiVersion: v1\nmetadata: {}\n' > fields.yaml
run render fields.yaml
is "$rc" 1 "missing kind and metadata.name: exit status 1"
is "$err" "$(printf '%s\n' \
	'render: fields.yaml:1:1: document 1: kind is missing or empty' \
	'render: fields.yaml:7:11: document 2: metadata.name is missing or empty')" \
	"missing kind and metadata.name: both reported with their document"

printf -- '- a\n- b\n' > list.yaml
fails "a document that is no object" \
	'render: list.yaml:1:1: document 1: expected a Kubernetes object (a mapping), got a sequence' list.yaml

printf '# nothing\n---\n' > empty.yaml
fails "a template without objects" 'render: empty.yaml: the template renders no Kubernetes object' empty.yaml

printf 'ORG=x\nthis is wrong\n' > bad.vars
fails "a malformed vars file" 'render: bad.vars:2: expected NAME=value, got "this is wrong"' -f bad.vars ok.yaml

printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x${A:+-$B}\n' > optunknown.yaml
fails "an unknown variable in the text of \${A:+...}" 'render: optunknown.yaml:4:16: unknown variable "B"' -D A=1 optunknown.yaml
fails "an unknown condition variable" 'render: optunknown.yaml:4:10: unknown variable "A"' optunknown.yaml
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x${A:+${B:+y}}\n' > optnested.yaml
fails "\${A:+...} inside another's text" \
	"render: optnested.yaml:4:15: malformed \${...}: expected \${name} or \${name:+text}, name of letters, digits and '_'" \
	-D A=1 -D B=1 optnested.yaml
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x${A:+y\n' > optopen.yaml
fails "an unclosed \${A:+..." \
	"render: optopen.yaml:4:10: malformed \${...}: expected \${name} or \${name:+text}, name of letters, digits and '_'" \
	-D A=1 optopen.yaml

run render -D 'not a name=1' ok.yaml
is "$rc" 2 "-D without a valid name: usage error"
run render
is "$rc" 2 "no template: usage error"
run render -f a.vars missing.yaml
is "$rc:$err" "1:render: cannot read missing.yaml: No such file or directory" "missing template"

done_testing
