package dev.stele.monitor;

import dev.stele.client.protocol.Checkpoint;
import java.io.IOException;

/**
 * Follows a log's checkpoints one step at a time: the seam where the client library's checkpoint
 * tracker slots in (ARCHITECTURE 3.5), so that the monitor's alarms, evidence, metrics and
 * schedule do not depend on how the step is done.
 *
 * <p>Contract of {@link #update}: it fetches the log's latest checkpoint, verifies its signature,
 * proves it consistent with the last verified one, and only then makes it the verified
 * checkpoint, durably (the state file is replaced atomically). It MUST NOT change the verified
 * checkpoint when it throws.
 */
interface Tracker {
  /**
   * One step.
   *
   * @param previous the verified checkpoint before the step, or null on the first one
   * @param current the verified checkpoint after it
   * @param note {@code current}'s signed note as served
   * @param advanced whether the verified checkpoint changed
   */
  record Step(Checkpoint previous, Checkpoint current, String note, boolean advanced) {}

  /**
   * @throws AlarmException if the log served a bad checkpoint, a smaller tree, another root for a
   *     size already verified, or a proof that fails
   * @throws LogUnavailableException if the log gave no usable answer
   * @throws IOException if the state cannot be written
   */
  Step update() throws AlarmException, IOException;
}
