/**
 * The client side of c2sp.org/tlog-witness: {@link dev.stele.client.witness.WitnessClient} asks
 * a witness to cosign a checkpoint ({@code add-checkpoint}) through the one {@link
 * dev.stele.client.http.HttpTransport}. The request and answer formats are the protocol
 * package's ({@link dev.stele.client.protocol.AddCheckpoint}); whether cosignatures satisfy a
 * policy is {@link dev.stele.client.verify.Witnesses}'.
 */
package dev.stele.client.witness;
