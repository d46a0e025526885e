/**
 * The single writer: {@link dev.stele.server.sequencer.Sequencer} batches verified entries,
 * dedupes them, grows the tree's right edge in memory, signs, and commits each batch in one synced
 * write through {@link dev.stele.server.sequencer.SequencerStore}, the storage seam. Its class
 * comment holds the fault table: what each failure persists, whether it stops the sequencer, and
 * what the next submission gets. {@link dev.stele.server.sequencer.SubmissionQueue} holds what
 * waits for a batch, for the sequencer and for the distributed driver's frontend alike.
 */
package dev.stele.server.sequencer;
