/**
 * The log's key: {@link dev.stele.server.sign.LogKeys} loads (or, on a first start, generates) it
 * and {@link dev.stele.server.sign.LogSigner} signs checkpoints and signed entry timestamps with
 * it. The private key never leaves the signer, and never appears in logs, errors or metrics.
 */
package dev.stele.server.sign;
