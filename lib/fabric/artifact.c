/*
 * artifact.c - the messages around a channel config: the genesis block
 * (as Fabric's genesis factory makes it) and CONFIG_UPDATE envelopes (as
 * configtxgen writes them: unsigned, no signature header).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "fabric/configtx.h"
#include "base/util.h"

enum { HEADER_CONFIG = 1, HEADER_CONFIG_UPDATE = 2, NONCE_SIZE = 24, METADATA_SLOTS = 5 };

static void sha256(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 32;

	if (!EVP_Digest(p, n, out, &len, EVP_sha256(), NULL))
		die("SHA-256 failed");
}

/* ChannelHeader: type 1, version 2, timestamp 3, channel_id 4, tx_id 5, epoch 6. */
static void channel_header(struct pbuf *b, int type, int version, const char *channel_id,
			   const char *tx_id)
{
	size_t ts;

	pb_int(b, 1, type);
	pb_int(b, 2, version);
	ts = pb_begin(b, 3);    /* google.protobuf.Timestamp{seconds = now} */
	pb_int(b, 1, (int64_t)time(NULL));
	pb_end(b, ts);
	pb_str(b, 4, channel_id);
	pb_str(b, 5, tx_id);
}

int tx_genesis_block(const struct cgroup *channel, const char *channel_id, struct pbuf *out)
{
	unsigned char nonce[NONCE_SIZE], hash[32];
	char tx_id[65];
	struct pbuf chdr = {0}, shdr = {0}, payload = {0}, env = {0};
	size_t m, c;

	if (RAND_bytes(nonce, sizeof(nonce)) != 1) {
		warnf("cannot get random bytes for the nonce");
		return -1;
	}
	/* tx_id = hex(SHA-256(nonce || creator)), with no creator */
	sha256(nonce, sizeof(nonce), hash);
	for (int i = 0; i < 32; i++)
		snprintf(tx_id + 2 * i, 3, "%02x", hash[i]);
	channel_header(&chdr, HEADER_CONFIG, 1, channel_id, tx_id);
	pb_bytes(&shdr, 2, nonce, sizeof(nonce));

	/* Payload{header{channel_header, signature_header}, data = ConfigEnvelope} */
	m = pb_begin(&payload, 1);
	pb_bytes(&payload, 1, chdr.buf, chdr.len);
	pb_bytes(&payload, 2, shdr.buf, shdr.len);
	pb_end(&payload, m);
	m = pb_begin(&payload, 2);      /* ConfigEnvelope.config = Config{sequence 0, channel_group} */
	c = pb_begin(&payload, 1);
	{
		size_t g = pb_begin(&payload, 2);

		cg_encode(channel, &payload);
		pb_end(&payload, g);
	}
	pb_end(&payload, c);
	pb_end(&payload, m);
	pb_bytes(&env, 1, payload.buf, payload.len);   /* Envelope{payload}, unsigned */

	/* Block{header{number 0, data_hash}, data{[envelope]}, metadata} */
	sha256(env.buf, env.len, hash);
	m = pb_begin(out, 1);
	pb_bytes(out, 3, hash, sizeof(hash));
	pb_end(out, m);
	m = pb_begin(out, 2);
	pb_bytes_always(out, 1, env.buf, env.len);
	pb_end(out, m);
	m = pb_begin(out, 3);
	/*
	 * SIGNATURES holds Metadata{value = OrdererBlockMetadata{last_config{index 0}}};
	 * LAST_CONFIG's Metadata{value = LastConfig{0}} encodes to nothing; the rest are empty.
	 */
	pb_bytes_always(out, 1, "\x0a\x02\x0a\x00", 4);
	for (int i = 1; i < METADATA_SLOTS; i++)
		pb_bytes_always(out, 1, "", 0);
	pb_end(out, m);

	pb_free(&chdr);
	pb_free(&shdr);
	pb_free(&payload);
	pb_free(&env);
	return 0;
}

void tx_config_update_envelope(const char *channel_id, const struct cgroup *read_set,
			       const struct cgroup *write_set, struct pbuf *out)
{
	struct pbuf update = {0}, cue = {0}, chdr = {0}, payload = {0};
	size_t m;

	/* ConfigUpdate{channel_id 1, read_set 2, write_set 3} */
	pb_str(&update, 1, channel_id);
	m = pb_begin(&update, 2);
	cg_encode(read_set, &update);
	pb_end(&update, m);
	m = pb_begin(&update, 3);
	cg_encode(write_set, &update);
	pb_end(&update, m);
	/* ConfigUpdateEnvelope{config_update}, no signatures */
	pb_bytes(&cue, 1, update.buf, update.len);

	channel_header(&chdr, HEADER_CONFIG_UPDATE, 0, channel_id, NULL);
	m = pb_begin(&payload, 1);
	pb_bytes(&payload, 1, chdr.buf, chdr.len);
	pb_end(&payload, m);
	pb_bytes(&payload, 2, cue.buf, cue.len);
	pb_bytes(out, 1, payload.buf, payload.len);

	pb_free(&update);
	pb_free(&cue);
	pb_free(&chdr);
	pb_free(&payload);
}

struct cgroup *tx_block_config(const uint8_t *block, size_t len, struct block_config *bc, const char **why)
{
	const uint8_t *data, *env, *payload, *hdr, *chdr, *cenv, *config, *group, *id;
	size_t dlen, elen, plen, hlen, clen, celen, cflen, glen, idlen;
	struct cgroup *g;

	memset(bc, 0, sizeof(*bc));
	*why = "not a block";
	if (!pb_valid(block, len) || !(data = pb_get_bytes(block, len, 2, &dlen)))
		return NULL;
	*why = "a block without a transaction";
	if (!(env = pb_get_bytes(data, dlen, 1, &elen)) || !(payload = pb_get_bytes(env, elen, 1, &plen)) ||
	    !(hdr = pb_get_bytes(payload, plen, 1, &hlen)) || !(chdr = pb_get_bytes(hdr, hlen, 1, &clen)))
		return NULL;
	*why = "not a config block (its transaction is no CONFIG)";
	if (pb_get_varint(chdr, clen, 1) != HEADER_CONFIG)
		return NULL;
	*why = "a config block without a config";
	if (!(cenv = pb_get_bytes(payload, plen, 2, &celen)) || !(config = pb_get_bytes(cenv, celen, 1, &cflen)) ||
	    !(group = pb_get_bytes(config, cflen, 2, &glen)))
		return NULL;
	*why = "a config block whose channel group does not decode";
	if (!(g = cg_decode(group, glen)))
		return NULL;
	cg_canonicalize(g);
	bc->sequence = pb_get_varint(config, cflen, 1);
	hdr = pb_get_bytes(block, len, 1, &hlen);     /* BlockHeader: number 1 */
	bc->number = hdr ? pb_get_varint(hdr, hlen, 1) : 0;
	id = pb_get_bytes(chdr, clen, 4, &idlen);
	bc->channel_id = id && !memchr(id, 0, idlen) ? xstrndup((const char *)id, idlen) : xstrdup("");
	*why = NULL;
	return g;
}
