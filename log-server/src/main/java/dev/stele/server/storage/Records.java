package dev.stele.server.storage;

import dev.stele.merkle.Hash;
import dev.stele.server.log.ImportProgress;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Value codecs. Each value starts with a format version byte so that a later layout can be read
 * beside this one.
 *
 * <pre>
 * entry     v1 || integratedTime (8) || setLength (2) || set || body
 * tree      v1 || size (8) || root (32) || lastIntegratedTime (8) || checkpoint (UTF-8, rest)
 * identity  v1 || treeId (8) || logId (32)
 * import    v1 || linesDone (8) || lastLineStart (8) || bytesDone (8) || appended (8)
 *              || duplicates (8) || invalid (8) || finished (1) || shaLength (1) || lastLineSha256
 *              || source (UTF-8, rest)
 * </pre>
 */
final class Records {
  private static final byte V1 = 1;

  private Records() {}

  static byte[] entry(long integratedTime, byte[] set, byte[] body) {
    if (set.length > 0xffff) throw new IllegalArgumentException("SET of " + set.length + " bytes");
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 2 + set.length + body.length);
    b.put(V1).putLong(integratedTime).putShort((short) set.length).put(set).put(body);
    return b.array();
  }

  static StoredEntry entry(long index, byte[] value) throws StorageException {
    ByteBuffer b = ByteBuffer.wrap(value);
    try {
      version(b, "entry " + index);
      long integratedTime = b.getLong();
      byte[] set = new byte[b.getShort() & 0xffff];
      b.get(set);
      byte[] body = new byte[b.remaining()];
      b.get(body);
      return new StoredEntry(index, integratedTime, set, body);
    } catch (RuntimeException e) {
      throw new StorageException("entry " + index + " is corrupt: " + e);
    }
  }

  static byte[] treeState(TreeState s) {
    byte[] cp = s.checkpoint().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + Hash.SIZE + 8 + cp.length);
    b.put(V1).putLong(s.size());
    byte[] root = s.root().bytes();
    b.put(root).putLong(s.lastIntegratedTime()).put(cp);
    return b.array();
  }

  static TreeState treeState(byte[] value) throws StorageException {
    ByteBuffer b = ByteBuffer.wrap(value);
    try {
      version(b, "tree state");
      long size = b.getLong();
      byte[] root = new byte[Hash.SIZE];
      b.get(root);
      long last = b.getLong();
      byte[] cp = new byte[b.remaining()];
      b.get(cp);
      return new TreeState(size, Hash.of(root), last, new String(cp, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new StorageException("tree state is corrupt: " + e);
    }
  }

  static byte[] identity(LogIdentity id) {
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + Hash.SIZE);
    b.put(V1).putLong(id.treeId()).put(id.logId().bytes());
    return b.array();
  }

  static LogIdentity identity(byte[] value) throws StorageException {
    ByteBuffer b = ByteBuffer.wrap(value);
    try {
      version(b, "log identity");
      long treeId = b.getLong();
      byte[] logId = new byte[Hash.SIZE];
      b.get(logId);
      if (b.hasRemaining()) throw new IllegalStateException(b.remaining() + " trailing bytes");
      return new LogIdentity(treeId, Hash.of(logId));
    } catch (RuntimeException e) {
      throw new StorageException("log identity is corrupt: " + e);
    }
  }

  static byte[] importProgress(ImportProgress p) {
    byte[] src = p.source().getBytes(StandardCharsets.UTF_8);
    byte[] sha = p.lastLineSha256();
    ByteBuffer b = ByteBuffer.allocate(1 + 6 * 8 + 1 + 1 + sha.length + src.length);
    b.put(V1).putLong(p.linesDone()).putLong(p.lastLineStart()).putLong(p.bytesDone()).putLong(p.appended())
        .putLong(p.duplicates()).putLong(p.invalid()).put((byte) (p.finished() ? 1 : 0))
        .put((byte) sha.length).put(sha).put(src);
    return b.array();
  }

  static ImportProgress importProgress(byte[] value) throws StorageException {
    ByteBuffer b = ByteBuffer.wrap(value);
    try {
      version(b, "import progress");
      long lines = b.getLong();
      long lastStart = b.getLong();
      long bytes = b.getLong();
      long appended = b.getLong();
      long duplicates = b.getLong();
      long invalid = b.getLong();
      boolean finished = b.get() != 0;
      byte[] sha = new byte[b.get() & 0xff];
      b.get(sha);
      byte[] src = new byte[b.remaining()];
      b.get(src);
      return new ImportProgress(new String(src, StandardCharsets.UTF_8), lines, lastStart, bytes, sha,
          appended, duplicates, invalid, finished);
    } catch (RuntimeException e) {
      throw new StorageException("import progress is corrupt: " + e);
    }
  }

  private static void version(ByteBuffer b, String what) throws StorageException {
    byte v = b.get();
    if (v != V1) throw new StorageException(what + " has unknown format version " + v);
  }
}
