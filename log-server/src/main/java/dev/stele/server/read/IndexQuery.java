package dev.stele.server.read;

import java.util.List;

/**
 * A search of the index: criteria, each a list of index keys of which any may match (one artifact
 * hash, or the several keys one public key is filed under), combined with AND ({@code matchAll})
 * or OR. Keys are as the sequencer files them ({@link dev.stele.client.protocol.IndexKeys}).
 *
 * @param criteria at least one, none empty
 */
public record IndexQuery(List<List<String>> criteria, boolean matchAll) {
  public IndexQuery {
    if (criteria.isEmpty()) throw new IllegalArgumentException("a search needs at least one criterion");
    for (List<String> c : criteria) {
      if (c.isEmpty()) throw new IllegalArgumentException("a search criterion needs at least one key");
    }
    criteria = criteria.stream().map(List::copyOf).toList();
  }
}
