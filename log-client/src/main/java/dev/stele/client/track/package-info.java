/**
 * Following a log over time: {@link dev.stele.client.track.CheckpointTracker} keeps the latest
 * verified checkpoint in a file and moves it forward only through a verified signature and a
 * verified consistency proof; disagreements come out as an
 * {@link dev.stele.client.track.InconsistencyException} carrying the evidence. The source of
 * checkpoints and proofs is pluggable ({@link dev.stele.client.track.CheckpointSource}).
 */
package dev.stele.client.track;
