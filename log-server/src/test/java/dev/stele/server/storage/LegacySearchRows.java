package dev.stele.server.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Rewrites a closed store's search rows the way stores wrote them before rows carried the
 * entry's leaf hash (empty values), so that tests can check that old rows are still read right.
 */
public final class LegacySearchRows {
  private LegacySearchRows() {}

  /** Empties the value of every search row of the store in {@code dir}; returns how many. */
  public static int strip(Path dir) throws Exception {
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    try (Options o = new Options()) {
      for (byte[] name : RocksDB.listColumnFamilies(o, dir.toString())) {
        descriptors.add(new ColumnFamilyDescriptor(name));
      }
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    int n = 0;
    try (DBOptions options = new DBOptions();
        RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles);
        WriteBatch wb = new WriteBatch();
        WriteOptions sync = new WriteOptions().setSync(true)) {
      ColumnFamilyHandle search = null;
      for (int i = 0; i < descriptors.size(); i++) {
        if (new String(descriptors.get(i).getName(), java.nio.charset.StandardCharsets.US_ASCII).equals("search")) {
          search = handles.get(i);
        }
      }
      try (RocksIterator it = db.newIterator(search)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          wb.put(search, it.key(), new byte[0]);
          n++;
        }
      }
      db.write(sync, wb);
    } finally {
      handles.forEach(ColumnFamilyHandle::close);
    }
    return n;
  }
}
