"""Ed25519ph (RFC 8032 section 5.1, empty context), for KMS's
ED25519_PH_SHA_512 signing algorithm.

``cryptography`` offers pure Ed25519 only; the pre-hashed variant differs in
the dom2 prefix hashed into r and k, which needs the expanded secret scalar,
so the curve arithmetic is done here on integers (extended coordinates).
Signatures are checked against RFC 8032's test vector in the tests.
"""
from __future__ import annotations

import hashlib

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
# dom2(phflag=1, context=""): what makes a signature Ed25519ph.
_DOM2 = b"SigEd25519 no Ed25519 collisions" + bytes([1, 0])


def _recover_x(y: int, sign: int):
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if x & 1 != sign:
        x = _P - x
    return x


_BY = 4 * pow(5, _P - 2, _P) % _P
_BX = _recover_x(_BY, 0)
_BASE = (_BX, _BY, 1, _BX * _BY % _P)


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, point):
    result = (0, 1, 1, 0)
    while s:
        if s & 1:
            result = _add(result, point)
        point = _add(point, point)
        s >>= 1
    return result


def _compress(point) -> bytes:
    zinv = pow(point[2], _P - 2, _P)
    x, y = point[0] * zinv % _P, point[1] * zinv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decompress(data: bytes):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= _P:
        return None
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % _P)


def _same(p, q) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _h(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little")


def sign(seed: bytes, prehash: bytes) -> bytes:
    """Sign the SHA-512 digest ``prehash`` with the 32-byte private ``seed``."""
    expanded = hashlib.sha512(seed).digest()
    a = int.from_bytes(expanded[:32], "little")
    a = (a & ((1 << 254) - 8)) | (1 << 254)
    public = _compress(_mul(a, _BASE))
    r = _h(_DOM2, expanded[32:], prehash) % _L
    big_r = _compress(_mul(r, _BASE))
    k = _h(_DOM2, big_r, public, prehash) % _L
    return big_r + ((r + k * a) % _L).to_bytes(32, "little")


def verify(public: bytes, prehash: bytes, signature: bytes) -> bool:
    if len(signature) != 64:
        return False
    a_point, r_point = _decompress(public), _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a_point is None or r_point is None or s >= _L:
        return False
    k = _h(_DOM2, signature[:32], public, prehash) % _L
    return _same(_mul(s, _BASE), _add(r_point, _mul(k, a_point)))
