# tests/k8s-double/setup.sh - start the Kubernetes API server double for a
# test or a benchmark (sourced; POSIX sh).
#
#   double_certs DIR    a CA, a server certificate for 127.0.0.1, localhost
#                       and kube.test, a client certificate (CN admin) and a
#                       second CA with a client certificate the double does
#                       not trust (rogue.crt/key), all made with openssl
#   double_start DIR [double options]
#                       start the double with those certificates; sets
#                       DOUBLE_URL, DOUBLE_PORT, DOUBLE_PID, DOUBLE_LOG (the
#                       request log) and DOUBLE_FAULTS (the faults file)
#   double_restart      start it again where it was (same port, tokens and
#                       options; with --state, the same objects)
#   double_stop         stop it
#
# The double accepts the bearer token in $DOUBLE_TOKEN (a random one) and,
# read-only, $DOUBLE_VIEWER_TOKEN.

double_certs() {
	_d=$1
	mkdir -p "$_d" || return 1
	(
		cd "$_d" || exit 1
		umask 077
		_ec='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'
		# shellcheck disable=SC2086
		openssl req -x509 $_ec -keyout ca.key -out ca.crt -days 2 \
			-subj /CN=k8s-double-ca 2>/dev/null &&
		openssl req -x509 $_ec -keyout rogue-ca.key -out rogue-ca.crt -days 2 \
			-subj /CN=rogue-ca 2>/dev/null &&
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kube.test\nextendedKeyUsage=serverAuth\n' >server.ext &&
		printf 'extendedKeyUsage=clientAuth\n' >client.ext &&
		openssl req $_ec -keyout server.key -out server.csr -subj /CN=kube-apiserver 2>/dev/null &&
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-days 2 -extfile server.ext -out server.crt 2>/dev/null &&
		openssl req $_ec -keyout admin.key -out admin.csr \
			-subj '/O=system:masters/CN=admin' 2>/dev/null &&
		openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-days 2 -extfile client.ext -out admin.crt 2>/dev/null &&
		openssl req $_ec -keyout rogue.key -out rogue.csr -subj /CN=admin 2>/dev/null &&
		openssl x509 -req -in rogue.csr -CA rogue-ca.crt -CAkey rogue-ca.key \
			-CAcreateserial -days 2 -extfile client.ext -out rogue.crt 2>/dev/null
	)
}

double_start() {
	_d=$1
	shift
	DOUBLE_TOKEN=$(openssl rand -hex 24)
	DOUBLE_VIEWER_TOKEN=$(openssl rand -hex 24)
	DOUBLE_LOG=$_d/requests.log
	DOUBLE_FAULTS=$_d/faults
	DOUBLE_DIR=$_d
	DOUBLE_ARGS=$*
	: >"$DOUBLE_LOG"
	: >"$DOUBLE_FAULTS"
	_double_launch --port 0 "$@"
}

# double_restart: start the double again after it stopped (or died), on the
# same port with the same tokens and options; with --state among them it
# has the objects it had.
double_restart() {
	# shellcheck disable=SC2086
	_double_launch --port "$DOUBLE_PORT" $DOUBLE_ARGS
}

_double_launch() {
	_d=$DOUBLE_DIR
	rm -f "$_d/port" "$_d/proxy-port"
	node "$TOP/tests/k8s-double/double.js" --cert "$_d/server.crt" --key "$_d/server.key" \
		--ca "$_d/ca.crt" --fixtures "$FIXTURES/k8s-api" --port-file "$_d/port" \
		--proxy-port-file "$_d/proxy-port" --log "$DOUBLE_LOG" --faults "$DOUBLE_FAULTS" \
		--token "$DOUBLE_TOKEN" --viewer-token "$DOUBLE_VIEWER_TOKEN" \
		"$@" >>"$_d/double.out" 2>&1 &
	DOUBLE_PID=$!
	_i=0
	while [ ! -s "$_d/port" ] || [ ! -s "$_d/proxy-port" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$DOUBLE_PID" 2>/dev/null; then
			echo "k8s-double did not start:" >&2
			cat "$_d/double.out" >&2
			return 1
		fi
		sleep 0.1
	done
	DOUBLE_PORT=$(cat "$_d/port")
	DOUBLE_PROXY_PORT=$(cat "$_d/proxy-port")
	case " $DOUBLE_ARGS " in
	*" --plain "*) DOUBLE_URL=http://127.0.0.1:$DOUBLE_PORT ;;
	*) DOUBLE_URL=https://127.0.0.1:$DOUBLE_PORT ;;
	esac
}

double_stop() {
	[ -n "${DOUBLE_PID:-}" ] && kill "$DOUBLE_PID" 2>/dev/null
	[ -n "${DOUBLE_PID:-}" ] && wait "$DOUBLE_PID" 2>/dev/null
	DOUBLE_PID=
}
