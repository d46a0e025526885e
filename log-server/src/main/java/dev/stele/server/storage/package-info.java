/**
 * The read side's storage seam ({@link dev.stele.server.storage.LogStore}) and the embedded store: {@link dev.stele.server.storage.RocksLogStore}, the only class that imports
 * {@code org.rocksdb}, with its fixed-width key layouts ({@code Keys}) and versioned value codecs
 * ({@code Records}). Each batch is one atomic {@code WriteBatch} written with {@code sync=true}.
 */
package dev.stele.server.storage;
