package dev.stele.server.sequencer;

import dev.stele.server.log.TreeState;

/**
 * The outcome of one accepted submission: where the entry sits in the log, when it was
 * integrated, its signed entry timestamp, and the durable tree state (with signed checkpoint) of
 * the batch that committed it. Nothing here is handed out before that batch is on disk.
 *
 * <p>{@code set} is empty for a submission whose SET was deferred ({@link
 * Sequencer.Submission#bulk}): the log signs it when the entry is first read.
 */
public record Sequenced(long index, long integratedTime, byte[] set, TreeState state) {}
