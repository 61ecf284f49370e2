#!/bin/sh
# ca-start.sh - the CA's entry point (templates/ca.yaml).
#
# fabric-ca-server -b admin:<password> would show the registrar's password
# to anyone who lists processes.  So the password goes from its Secret into
# the server's configuration file, written by the shell's own printf (no
# process has it on its command line), readable by the server alone.
set -eu

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
	>"$FABRIC_CA_HOME/fabric-ca-server-config.yaml"
exec fabric-ca-server start
