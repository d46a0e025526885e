/**
 * The read side of the log, with no HTTP in it ({@link dev.stele.server.read.LogReader}): entries
 * with inclusion proofs, retrieval, search, consistency proofs, the tree head, hash tiles and entry
 * bundles. It returns values and throws domain exceptions; it blocks, and so runs on the read pool.
 * Every proof is checked against its checkpoint before it leaves; a failure halts the sequencer.
 */
package dev.stele.server.read;
