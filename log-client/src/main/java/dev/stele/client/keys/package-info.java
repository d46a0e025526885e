/**
 * Key files: generating ECDSA P-256 and Ed25519 key pairs, and reading and writing keys as PEM
 * (private keys as PKCS#8, encrypted with a password unless the caller asks otherwise; public
 * keys as X.509 SubjectPublicKeyInfo, or taken from a certificate).
 *
 * <p>Errors say what is wrong with a file and what to do; they never contain key material.
 */
package dev.stele.client.keys;
