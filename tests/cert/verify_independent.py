#!/usr/bin/python3
"""An independent verifier of hukou certificates (docs/certificates.md), written from the
standards with other libraries than the project's: Debian's python3-cbor2 for CBOR,
python3-nacl (libsodium's Ed25519 through PyNaCl) for the signature, Python's zlib, and base45
(RFC 9285) written here. It shares no code with src/cert: if both accept a certificate, the
format is what the documents say.

usage: verify_independent.py --keys JWKS_FILE [--status STATUS_TOKEN_FILE] [--now UNIX]
                             QRTEXT_FILE
Prints one JSON line {"verdict": ..., "id": ..., ...}; exits 0 only for "valid", 1 for any other
verdict, 2 when the key set or the status list cannot be used.
"""

import argparse
import base64
import hashlib
import json
import sys
import time
import zlib

import cbor2
import nacl.exceptions
import nacl.signing

PREFIX = "HKC1:"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
CERT_INFLATE_MAX = 4096
LIST_INFLATE_MAX = 16 << 20
STATUS_TYP = "application/statuslist+cwt"


class Malformed(Exception):
    pass


def base45_decode(text):
    """RFC 9285 section 4.2: groups of three characters c d e give c + 45 d + 2025 e."""
    if len(text) % 3 == 1:
        raise Malformed("base45: bad length")
    out = bytearray()
    for i in range(0, len(text), 3):
        group = text[i:i + 3]
        try:
            digits = [ALPHABET.index(ch) for ch in group]
        except ValueError:
            raise Malformed("base45: character outside the alphabet") from None
        value = sum(d * 45 ** k for k, d in enumerate(digits))
        if len(group) == 3:
            if value > 0xFFFF:
                raise Malformed("base45: group out of range")
            out += value.to_bytes(2, "big")
        else:
            if value > 0xFF:
                raise Malformed("base45: group out of range")
            out.append(value)
    return bytes(out)


def inflate(data, cap, layer):
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, cap + 1)
    except zlib.error:
        raise Malformed(layer + ": not zlib") from None
    if len(out) > cap:
        raise Malformed(layer + ": inflates beyond the cap")
    if not d.eof or d.unused_data or d.unconsumed_tail:
        raise Malformed(layer + ": not one complete zlib stream")
    return out


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_keys(path):
    """kid (hex) -> VerifyKey, checking each kid is the first 8 bytes of SHA-256(x)."""
    with open(path, encoding="utf-8") as f:
        jwks = json.load(f)
    keys = {}
    for k in jwks["keys"]:
        if k.get("kty") != "OKP" or k.get("crv") != "Ed25519" or "d" in k:
            raise ValueError("not a public Ed25519 JWK")
        x = b64url(k["x"])
        if len(x) != 32 or hashlib.sha256(x).digest()[:8].hex() != k["kid"]:
            raise ValueError("kid does not match x")
        keys[k["kid"]] = nacl.signing.VerifyKey(x)
    return keys


def open_sign1(data, layer):
    """A tagged COSE_Sign1 (RFC 9052 section 4.2): (protected bytes, header, payload, sig)."""
    try:
        msg = cbor2.loads(data)
    except Exception:
        raise Malformed(layer + ": not CBOR") from None
    if not isinstance(msg, cbor2.CBORTag) or msg.tag != 18:
        raise Malformed(layer + ": not a tagged COSE_Sign1")
    if not isinstance(msg.value, list) or len(msg.value) != 4:
        raise Malformed(layer + ": not an array of four")
    protected, unprotected, payload, signature = msg.value
    if not isinstance(protected, bytes) or not isinstance(unprotected, dict):
        raise Malformed(layer + ": headers")
    if not isinstance(payload, bytes) or not isinstance(signature, bytes) or len(signature) != 64:
        raise Malformed(layer + ": payload or signature")
    try:
        header = cbor2.loads(protected)
    except Exception:
        raise Malformed(layer + ": protected header") from None
    if not isinstance(header, dict) or header.get(1) != -8:
        raise Malformed(layer + ": alg is not EdDSA")
    kid = header.get(4)
    if not isinstance(kid, bytes) or len(kid) != 8:
        raise Malformed(layer + ": kid")
    return protected, header, payload, signature


def signature_ok(key, protected, payload, signature):
    """Section 4.4: the signature is over ["Signature1", protected, external_aad, payload]."""
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    try:
        key.verify(to_be_signed, signature)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


def read_status_list(path, keys, now):
    """draft-ietf-oauth-status-list, CWT form: a function index -> status, or raises."""
    with open(path, "rb") as f:
        protected, header, payload, signature = open_sign1(f.read(), "status_list")
    if header.get(16) != STATUS_TYP:
        raise ValueError("status list: typ")
    key = keys.get(header[4].hex())
    if key is None or not signature_ok(key, protected, payload, signature):
        raise ValueError("status list: signature")
    claims = cbor2.loads(payload)
    if 4 in claims and now >= claims[4]:
        raise ValueError("status list: expired")
    bits, lst = claims[65533]["bits"], inflate(claims[65533]["lst"], LIST_INFLATE_MAX, "lst")

    sub = claims[2]

    def status(uri, index):
        # The draft (validating a referenced token): the list applies only when its sub
        # is the token's uri.
        if uri != sub:
            return None
        bit = index * bits
        if bit // 8 >= len(lst):
            return None
        return (lst[bit // 8] >> (bit % 8)) & ((1 << bits) - 1)

    return status


def read_claims(payload):
    try:
        claims = cbor2.loads(payload)
        body = claims[-65537]
        out = {
            "iss": claims[1], "iat": claims[6], "nbf": claims[5], "exp": claims.get(4, 0),
            "id": claims[7].decode("ascii"), "idx": claims[65535]["status_list"]["idx"],
            "uri": claims[65535]["status_list"]["uri"],
            "type": body["t"], "name": body["n"], "id_masked": body["m"],
            "fields": body["f"],
        }
    except Exception:
        raise Malformed("claims") from None
    if not all(isinstance(out[k], int) and out[k] >= 0 for k in ("iat", "nbf", "exp", "idx")):
        raise Malformed("claims: times")
    if 4 in claims and claims[4] <= 0:
        raise Malformed("claims: exp")  # absent means no expiry; 0 is not one
    if not isinstance(body["s"], bytes) or len(body["s"]) != 8:
        raise Malformed("claims: salt")
    if not isinstance(body["d"], bytes) or len(body["d"]) != 16:
        raise Malformed("claims: digest")
    return out


def verify(text, keys, status, now):
    text = text.rstrip("\r\n")
    if not text.startswith(PREFIX):
        raise Malformed("prefix")
    cose = inflate(base45_decode(text[len(PREFIX):]), CERT_INFLATE_MAX, "zlib")
    protected, header, payload, signature = open_sign1(cose, "cose")
    result = {"kid": header[4].hex()}
    try:
        result.update(read_claims(payload))
        claims_error = None
    except Malformed as e:
        claims_error = str(e)
    key = keys.get(result["kid"])
    if key is None:
        return dict(result, verdict="unknown_key")
    if not signature_ok(key, protected, payload, signature):
        return dict(result, verdict="bad_signature")
    if claims_error:
        return dict(result, verdict="malformed", detail=claims_error)
    verdict, checked = "valid", False
    if status is not None:
        s = status(result["uri"], result["idx"])
        checked = s is not None
        if s == 1 or (s is not None and s > 2):
            verdict = "revoked"
        elif s == 2:
            verdict = "suspended"
    if verdict == "valid" and result["exp"] and now >= result["exp"]:
        verdict = "expired"
    elif verdict == "valid" and now < result["nbf"]:
        verdict = "not_yet_valid"
    return dict(result, verdict=verdict, status_checked=checked)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keys", required=True, help="JWK Set file")
    ap.add_argument("--status", help="status list token file")
    ap.add_argument("--now", type=int, default=None, help="Unix seconds (default: now)")
    ap.add_argument("qrtext", help="file holding the HKC1: text")
    args = ap.parse_args()
    now = args.now if args.now is not None else int(time.time())
    try:
        keys = load_keys(args.keys)
        status = read_status_list(args.status, keys, now) if args.status else None
    except Exception as e:
        print(json.dumps({"verdict": "error", "detail": str(e)}))
        return 2
    with open(args.qrtext, encoding="ascii", errors="replace") as f:
        text = f.read()
    try:
        result = verify(text, keys, status, now)
    except Malformed as e:
        result = {"verdict": "malformed", "detail": str(e)}
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["verdict"] == "valid" else 1


if __name__ == "__main__":
    sys.exit(main())
