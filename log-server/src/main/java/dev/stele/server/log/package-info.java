/**
 * The log's own values, shared by the sequencer, the store and the read side: its identity, a
 * stored entry, the durable tree state with its signed checkpoint, what it admits ({@link
 * dev.stele.server.log.Admission}), and the two domain exceptions a request can earn ({@link
 * dev.stele.server.log.InvalidRequestException}, {@link dev.stele.server.log.NotFoundException}).
 * No Vert.x and no RocksDB here.
 */
package dev.stele.server.log;
