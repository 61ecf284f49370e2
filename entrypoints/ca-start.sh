#!/bin/sh
# ca-start.sh - the CA's entry point (templates/ca.yaml).
#
# fabric-ca-server -b admin:<password> would show the registrar's password
# to anyone who lists processes.  So the password goes from its Secret into
# the server's configuration file, written by the shell's own printf (no
# process has it on its command line), readable by the server alone.  The
# file also gives the server its signing profiles (fabric-ca-server's
# defaults): without them every certificate it issues, its own TLS
# certificate too, gets the key usages of a CA, which no TLS client takes
# from a server and no application wants in an identity.
set -eu

# The server makes its TLS certificate (signed by its CA) for
# FABRIC_CA_SERVER_CSR_HOSTS at its first start and keeps it: with other
# hosts (an external address added), it is made again.
hosts=$FABRIC_CA_HOME/tls-cert.hosts
if [ "$(cat "$hosts" 2>/dev/null)" != "$FABRIC_CA_SERVER_CSR_HOSTS" ]; then
	rm -f "$FABRIC_CA_HOME/tls-cert.pem"
	printf '%s\n' "$FABRIC_CA_SERVER_CSR_HOSTS" >"$hosts"
fi

pw=$(cat /etc/hyperledger/fabric-ca/crypto/registrar-password)
umask 077
printf '%s\n' \
	'registry:' \
	'  maxenrollments: -1' \
	'  identities:' \
	'    - name: admin' \
	"      pass: \"$pw\"" \
	'      type: client' \
	'      affiliation: ""' \
	'      attrs:' \
	'        hf.Registrar.Roles: "*"' \
	'        hf.Registrar.DelegateRoles: "*"' \
	'        hf.Registrar.Attributes: "*"' \
	'        hf.Revoker: true' \
	'        hf.IntermediateCA: true' \
	'        hf.GenCRL: true' \
	'        hf.AffiliationMgr: true' \
	'signing:' \
	'  default:' \
	'    usage: [digital signature]' \
	'    expiry: 8760h' \
	'  profiles:' \
	'    ca:' \
	'      usage: [cert sign, crl sign]' \
	'      expiry: 43800h' \
	'      caconstraint: {isca: true, maxpathlen: 0}' \
	'    tls:' \
	'      usage: [signing, key encipherment, server auth, client auth, key agreement]' \
	'      expiry: 8760h' \
	>"$FABRIC_CA_HOME/fabric-ca-server-config.yaml"
exec fabric-ca-server start
