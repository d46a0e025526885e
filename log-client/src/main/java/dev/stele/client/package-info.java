/**
 * The Stele log client: domain values shared by its packages ({@link dev.stele.client.TrustedLog},
 * {@link dev.stele.client.ValidityPeriod}). The protocol formats live in {@code protocol}
 * (including the log entry, {@link dev.stele.client.protocol.LoggedEntry}), verification in
 * {@code verify}, trust material in {@code trust}, Sigstore bundles in {@code bundle}.
 */
package dev.stele.client;
