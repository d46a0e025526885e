package dev.stele.server.read;

import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteSignature;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileMath;
import dev.stele.merkle.tiles.TilePath;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.server.log.InvalidRequestException;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.NotFoundException;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.log.UnwitnessedException;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.sequencer.Sequenced;
import dev.stele.server.sequencer.Appender;
import dev.stele.server.sequencer.Sequencer;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.LogStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The read side of the log, with no HTTP in it: entries with their inclusion proofs, retrieval,
 * search, consistency proofs, the tree head, hash tiles and entry bundles. Methods return values
 * and throw {@link NotFoundException} or {@link InvalidRequestException} for what a request asks
 * wrongly, {@link IOException} when the store fails; the routes turn these into statuses.
 *
 * <p>Every method that reads the store or builds a proof blocks: callers run it on a worker
 * thread, never on an event loop. Reads never touch the sequencer's queue; they see the newest
 * durable head ({@link Appender#head}). Thread-safe.
 *
 * <p><b>Self-check.</b> Every inclusion proof is verified against the checkpoint it is sent with,
 * and every consistency proof against the roots it connects, before it leaves. A proof that fails
 * means the stored tree no longer proves what the log signed: the reader counts it, halts the
 * sequencer (so that nothing more is signed over that tree; see the fault table in {@link
 * Sequencer}) and fails the request with an {@link IOException}, a 500.
 */
public final class LogReader {
  /** At most this many entry IDs in one search answer: one page (docs/protocol.md section 10). */
  public static final int SEARCH_PAGE = 1_000;
  /**
   * At most this many cursor moves for one page. Finding a page costs a move per entry of each key
   * (OR) or per skip between the keys' entries (AND), which depends on how the keys' sets
   * interleave, not only on the answer's size: the bound keeps one request's work near a few
   * milliseconds whatever the sets, and a page cut short says where to go on.
   */
  static final int SEARCH_MOVES = 4 * SEARCH_PAGE;

  private final LogStore store;
  private final TileReader tiles;
  private final Appender sequencer;
  private final LogSigner signer;
  private final LogIdentity identity;
  private final ServerMetrics metrics;
  private final int searchPage;
  private final int searchMoves;
  private final PublishedHead published;
  private final boolean v1AllLines;
  /** Rekor v2 checkpoints already signed, by tree size (see {@link #checkpointV2}). */
  private final java.util.Map<Long, String> v2Checkpoints = new java.util.LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<Long, String> eldest) {
      return size() > 64;
    }
  };
  /** The head last turned into a parsed note, so that reads do not parse it each time. */
  private volatile ParsedHead parsedHead;

  private record ParsedHead(TreeState state, SignedNote note) {}

  /** A consistency proof as the API answers it: the root of the larger tree, and the proof. */
  public record Consistency(Hash root, List<Hash> hashes) {
    public Consistency {
      hashes = List.copyOf(hashes);
    }
  }

  /**
   * @param store entries, the leaf index and the search index
   * @param tiles where proofs and tiles are read from: the store itself, or the store as the
   *     sequencer sees it through a decorator (tests inject faults there)
   */
  public LogReader(LogStore store, TileReader tiles, Appender sequencer, LogSigner signer,
      LogIdentity identity, ServerMetrics metrics) {
    this(store, tiles, sequencer, signer, identity, metrics, PublishedHead.of(sequencer), false);
  }

  /**
   * @param published which head reads serve (with witnesses, the cosigned one)
   * @param v1AllLines whether the checkpoints in Rekor v1 answers keep every signature line (the
   *     Ed25519 line and witness cosignatures), or only the log's ECDSA line: Rekor's Go verifier
   *     (cosign, rekor-cli) refuses a note with any line of another key, while sigstore-js,
   *     sigstore-java and Stele's client ignore such lines. {@code /checkpoint} always serves them all.
   */
  public LogReader(LogStore store, TileReader tiles, Appender sequencer, LogSigner signer,
      LogIdentity identity, ServerMetrics metrics, PublishedHead published, boolean v1AllLines) {
    this(store, tiles, sequencer, signer, identity, metrics, published, v1AllLines, SEARCH_PAGE, SEARCH_MOVES);
  }

  /** As above, with other search bounds: tests page through a small log. */
  LogReader(LogStore store, TileReader tiles, Appender sequencer, LogSigner signer,
      LogIdentity identity, ServerMetrics metrics, int searchPage, int searchMoves) {
    this(store, tiles, sequencer, signer, identity, metrics, PublishedHead.of(sequencer), false, searchPage,
        searchMoves);
  }

  private LogReader(LogStore store, TileReader tiles, Appender sequencer, LogSigner signer,
      LogIdentity identity, ServerMetrics metrics, PublishedHead published, boolean v1AllLines, int searchPage,
      int searchMoves) {
    this.published = published;
    this.v1AllLines = v1AllLines;
    this.searchPage = searchPage;
    this.searchMoves = searchMoves;
    this.store = store;
    this.tiles = tiles;
    this.sequencer = sequencer;
    this.signer = signer;
    this.identity = identity;
    this.metrics = metrics;
  }

  /**
   * The published tree state, with its signed checkpoint: the newest durable one, or with
   * witnesses the one they cosigned (its note then carries their cosignatures).
   */
  public TreeState head() {
    return published.current();
  }

  /**
   * A published head at least as large as the batch an entry was just committed in, to answer the
   * append with (see {@link PublishedHead#atLeast}). Never blocks.
   */
  public java.util.concurrent.CompletableFuture<TreeState> publishedAtLeast(TreeState committed) {
    return published.atLeast(committed);
  }

  /** The log's public key, PEM. */
  public String publicKeyPem() {
    return signer.publicKeyPem();
  }

  /** The 80-hex entry ID (tree ID and UUID) of the entry with this leaf hash. */
  public EntryId entryId(Hash leafHash) {
    return EntryId.of(identity.treeId(), leafHash);
  }

  /**
   * Checks a {@code treeID} a request names, if it names one: this log has one tree.
   *
   * @param treeId the tree ID as given (decimal), or null
   */
  public void requireTree(String treeId) throws InvalidRequestException {
    if (treeId != null && !treeId.equals(Long.toString(identity.treeId()))) {
      throw new InvalidRequestException("unknown treeID " + treeId + "; this log has one tree, "
          + identity.treeId());
    }
  }

  /** Tree size, root and signed checkpoint of the newest head. */
  public TreeInfo treeInfo() {
    ParsedHead h = parsedHead(published.current());
    return new TreeInfo(h.state().root(), h.state().size(), h.note(), identity.treeId(), List.of());
  }

  /**
   * The answer for an entry just sequenced: proven against the checkpoint of the batch that
   * committed it (the caller's own, durable before this is called).
   */
  public LoggedEntry created(CanonicalEntry entry, Sequenced s) throws IOException {
    return created(entry, s, s.state());
  }

  /**
   * The answer for an entry just sequenced, proven against {@code head}: the batch's own head, or
   * a published one at least as large ({@link #publishedAtLeast}).
   */
  public LoggedEntry created(CanonicalEntry entry, Sequenced s, TreeState head) throws IOException {
    if (head.size() < s.state().size()) {
      throw new IllegalArgumentException("head " + head.size() + " is older than the entry's batch " + s.state().size());
    }
    StoredEntry stored = new StoredEntry(s.index(), s.integratedTime(), s.set(), entry.body());
    return withProof(stored, entry.leafHash(), head);
  }

  /**
   * The entry at {@code index}, proven against the newest checkpoint.
   *
   * @throws IllegalArgumentException if {@code index} is negative (callers check requests first)
   * @throws NotFoundException if the tree is not that large
   * @throws UnwitnessedException if it is, but a fail-closed witness policy has no quorum for it yet
   */
  public LoggedEntry entryAt(long index) throws NotFoundException, UnwitnessedException, IOException {
    LoggedEntry e = find(index);
    if (e == null) {
      if (!published.readsBeyond() && index < store.treeState().map(TreeState::size).orElse(0L)) {
        throw new UnwitnessedException("entry " + index + " is in the log, but no checkpoint covering it has"
            + " reached the witness quorum yet: " + published.whyNotPublished(), 2);
      }
      throw new NotFoundException("no entry at index " + index);
    }
    return e;
  }

  /**
   * The entry with this UUID (or entry ID, which must then name this log's tree).
   *
   * @throws NotFoundException if there is none
   */
  public LoggedEntry entry(EntryId id) throws NotFoundException, UnwitnessedException, IOException {
    if (id.treeId().isPresent() && id.treeId().getAsLong() != identity.treeId()) {
      throw new NotFoundException("no tree with ID " + id.treeId().getAsLong() + " in this log");
    }
    long index = store.findIndex(id.uuid());
    if (index < 0) {
      throw new NotFoundException("no entry with UUID " + id.uuidHex());
    }
    return entryAt(index);
  }

  /**
   * The entries with these UUIDs or entry IDs, at these indexes, and with these leaf hashes (of
   * proposed entries), in that order and each once; what the log does not hold (including entry
   * IDs of another tree) is left out.
   *
   * @throws IllegalArgumentException if an index is negative (callers check requests first)
   */
  public List<LoggedEntry> retrieve(List<EntryId> ids, List<Long> indexes, List<Hash> leafHashes)
      throws IOException {
    Set<Long> wanted = new LinkedHashSet<>();
    for (EntryId id : ids) {
      if (id.treeId().isEmpty() || id.treeId().getAsLong() == identity.treeId()) {
        addIfLogged(wanted, id.uuid());
      }
    }
    wanted.addAll(indexes);
    for (Hash h : leafHashes) {
      addIfLogged(wanted, h);
    }
    List<LoggedEntry> found = new ArrayList<>();
    for (long i : wanted) {
      LoggedEntry e = find(i);
      if (e != null) {
        found.add(e);
      }
    }
    return found;
  }

  private void addIfLogged(Set<Long> indexes, Hash leaf) throws IOException {
    long i = store.findIndex(leaf);
    if (i >= 0) {
      indexes.add(i);
    }
  }

  /** The entry at {@code index} with a proof against the newest checkpoint, or null. */
  private LoggedEntry find(long index) throws IOException {
    if (index < 0) {
      throw new IllegalArgumentException("entry index " + index + " is negative");
    }
    TreeState head = published.forEntry(index);
    if (index >= head.size()) {
      if (published.readsBeyond()) {
        // Committed a moment ago but not yet published? The store's state includes it.
        head = store.treeState().orElse(head);
      }
      if (index >= head.size()) {
        return null;
      }
    }
    Optional<StoredEntry> stored = store.entry(index);
    if (stored.isEmpty()) {
      throw new IOException("entry " + index + " is missing from the store, below tree size " + head.size());
    }
    return withProof(stored.get(), Rfc6962.hashLeaf(stored.get().bodyUnsafe()), head);
  }

  /**
   * The consistency proof from the tree of {@code first} leaves to the tree of {@code last}, with
   * the root of the latter.
   *
   * @throws InvalidRequestException unless {@code 1 <= first <= last <= } the newest tree size
   */
  public Consistency consistency(long first, long last) throws InvalidRequestException, IOException {
    if (first < 1) {
      throw new InvalidRequestException("firstSize must be at least 1, got " + first);
    }
    if (first > last) {
      throw new InvalidRequestException("firstSize(" + first + ") must be less than lastSize(" + last + ")");
    }
    TreeState head = published.current();
    if (last > head.size()) {
      throw new InvalidRequestException("the tree size requested(" + last
          + ") was greater than what is currently observable(" + head.size() + ")");
    }
    Hash root2 = TileProofBuilder.root(tiles, last);
    if (last == head.size() && !root2.equals(head.root())) {
      throw selfCheckFailed("the stored tiles give root " + root2.hex() + " for size " + last
          + ", but the signed checkpoint says " + head.root().hex(), null);
    }
    if (first == last) {
      return new Consistency(root2, List.of());
    }
    ConsistencyProof p = TileProofBuilder.consistency(tiles, first, last);
    Hash root1 = TileProofBuilder.root(tiles, first);
    try {
      ProofVerifier.verifyConsistency(first, last, p.hashes(), root1, root2);
    } catch (ProofException e) {
      throw selfCheckFailed("consistency proof " + first + " -> " + last + " failed its own check: "
          + e.getMessage(), e);
    }
    return new Consistency(root2, p.hashes());
  }

  /**
   * One page of a search: entry IDs in log order, and where the next page starts if there may be
   * more.
   *
   * @param next the log index to search from for the next page; empty when nothing is left
   */
  public record SearchPage(List<EntryId> ids, OptionalLong next) {
    public SearchPage {
      ids = List.copyOf(ids);
    }
  }

  /**
   * The entries matching a search at log index {@code from} or after, in log order: at most
   * {@value #SEARCH_PAGE}, found with at most {@value #SEARCH_MOVES} cursor moves. Sets are
   * never cut before they are combined: an AND walks every criterion's keys together, so that
   * what the answer leaves out is only what comes after {@link SearchPage#next}.
   *
   * @throws IllegalArgumentException if {@code from} is negative (callers check requests first)
   */
  public SearchPage search(IndexQuery query, long from) throws IOException {
    if (from < 0) {
      throw new IllegalArgumentException("search from index " + from);
    }
    List<List<LogStore.SearchCursor>> criteria = new ArrayList<>();
    try {
      for (List<String> keys : query.criteria()) {
        List<LogStore.SearchCursor> cursors = new ArrayList<>();
        criteria.add(cursors);
        for (String k : keys) {
          cursors.add(store.searchCursor(k));
        }
      }
      if (!query.matchAll()) {
        // OR: every key is one criterion.
        List<LogStore.SearchCursor> all = new ArrayList<>();
        criteria.forEach(all::addAll);
        criteria = List.of(all);
      }
      return page(criteria, from);
    } finally {
      for (List<LogStore.SearchCursor> cursors : criteria) {
        cursors.forEach(LogStore.SearchCursor::close);
      }
    }
  }

  /** A match of all criteria: the entries filed under any key of each. */
  private SearchPage page(List<List<LogStore.SearchCursor>> criteria, long from) throws IOException {
    List<EntryId> ids = new ArrayList<>();
    int moves = 0;
    long pos = from;
    while (ids.size() < searchPage) {
      // The smallest index >= pos under every criterion: raise the candidate to each criterion's
      // next entry until all of them agree on it.
      long candidate = pos;
      Hash leaf = null;
      int agreeing = 0;
      for (int c = 0; agreeing < criteria.size(); c = (c + 1) % criteria.size()) {
        if (moves >= searchMoves) {
          return new SearchPage(ids, OptionalLong.of(candidate));
        }
        long next = -1;
        Hash nextLeaf = null;
        for (LogStore.SearchCursor cursor : criteria.get(c)) {
          moves++;
          long n = cursor.seek(candidate);
          if (n >= 0 && (next < 0 || n < next)) {
            next = n;
            nextLeaf = cursor.leafHash();
          }
        }
        if (next < 0) {
          return new SearchPage(ids, OptionalLong.empty());
        }
        if (next == candidate && agreeing > 0) {
          agreeing++;
          leaf = leaf != null ? leaf : nextLeaf;
        } else {
          candidate = next;
          agreeing = 1;
          leaf = nextLeaf;
        }
      }
      ids.add(entryId(leaf != null ? leaf : leafFromTile(candidate)));
      pos = candidate + 1;
    }
    return new SearchPage(ids, OptionalLong.of(pos));
  }

  /** The leaf hash at {@code index}, from its level-0 tile: for index rows that do not carry it. */
  private Hash leafFromTile(long index) throws IOException {
    int offset = (int) (index & 0xff);
    HashTile t = store.readTiles(List.of(new TileId(0, index >>> 8, offset + 1))).get(0);
    return t.get(offset);
  }

  /**
   * Checks that the newest checkpoint's tree has {@code path} at the requested width or wider (a
   * partial tile is a prefix of every wider version of it). No I/O: safe on an event loop.
   *
   * @throws NotFoundException if it does not
   */
  public void requireTile(TilePath path) throws NotFoundException {
    long size = published.current().size();
    if (!TileMath.serves(path.tile(), size)) {
      throw new NotFoundException("tile " + path.path() + " is not in the tree of size " + size
          + " (latest checkpoint)");
    }
  }

  /**
   * The content of a hash tile or entry bundle, at exactly the requested width.
   *
   * @throws NotFoundException if the newest checkpoint's tree does not have it
   */
  public byte[] tile(TilePath path) throws NotFoundException, IOException {
    requireTile(path);
    TileId id = path.tile();
    if (!path.entries()) {
      List<HashTile> read = tiles.readTiles(List.of(id));
      HashTile t = read.size() == 1 ? read.get(0) : null;
      if (t == null || t.width() < id.width()) {
        throw new IOException("tile " + path.path() + " is missing from the store");
      }
      return t.prefix(id.width()).encode();
    }
    List<StoredEntry> entries = store.entries(TileMath.firstIndex(id), id.width());
    if (entries.size() != id.width()) {
      throw new IOException("entry bundle " + path.path() + " has only " + entries.size()
          + " entries in the store");
    }
    List<byte[]> bodies = new ArrayList<>(entries.size());
    for (StoredEntry e : entries) {
      bodies.add(e.bodyUnsafe());
    }
    return EntryBundle.encode(bodies);
  }

  /**
   * The entry with an inclusion proof against {@code head}, checked against that checkpoint's root
   * before it leaves the server.
   */
  private LoggedEntry withProof(StoredEntry e, Hash leafHash, TreeState head) throws IOException {
    if (e.setPending()) {
      e = signSet(e);
    }
    InclusionProof proof = TileProofBuilder.inclusion(tiles, e.index(), head.size());
    try {
      ProofVerifier.verifyInclusion(e.index(), head.size(), leafHash, proof.hashes(), head.root());
    } catch (ProofException ex) {
      throw selfCheckFailed("inclusion proof for entry " + e.index() + " in tree " + head.size()
          + " failed its own check: " + ex.getMessage(), ex);
    }
    ParsedHead h = parsedHead(head);
    return new LoggedEntry(entryId(leafHash), e.bodyUnsafe(), e.integratedTime(), signer.logId(),
        e.index(), Optional.of(e.set()), Optional.of(new Inclusion(proof, head.root(), h.note())),
        Optional.empty());
  }

  /**
   * An imported entry's SET, signed on its first read and kept ({@link StoredEntry#noSet}): the
   * same signature over the same fixed fields as the sequencer would have made at append time.
   */
  private StoredEntry signSet(StoredEntry e) throws IOException {
    StoredEntry signed = SetFiller.sign(signer, e);
    store.keepSet(signed);
    metrics.lazySetSigned();
    return signed;
  }

  /** The note as Rekor v1 answers carry it: every line, or the log's ECDSA line only. */
  private SignedNote v1View(SignedNote note) {
    if (v1AllLines) {
      return note;
    }
    NoteVerifier log = signer.noteVerifier();
    List<NoteSignature> mine = new ArrayList<>(1);
    for (NoteSignature s : note.signatures()) {
      if (s.keyId() == log.keyId() && s.name().equals(log.name())) {
        mine.add(s);
      }
    }
    return mine.size() == note.signatures().size() ? note : new SignedNote(note.text(), mine);
  }

  /**
   * The Rekor v2 checkpoint of {@code state}: its size and root, which the log has already signed
   * and stored under the Rekor v1 origin, signed again under the v2 origin (the bare host;
   * docs/protocol.md 9.1). Signed when first asked for and kept for the newest heads, so that every
   * reader of one head gets the same note. Nothing new is asserted: the tree head is durable
   * before any checkpoint of it is handed out.
   *
   * @throws IOException if the log key fails to sign
   */
  public String checkpointV2(TreeState state) throws IOException {
    synchronized (v2Checkpoints) {
      String note = v2Checkpoints.get(state.size());
      if (note != null) {
        return note;
      }
    }
    String note;
    try {
      note = signer.signCheckpointV2(state.size(), state.root());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("signing the Rekor v2 checkpoint of size " + state.size() + " failed", e);
    }
    synchronized (v2Checkpoints) {
      // Another reader may have signed it meanwhile: keep the first, so that the note is one.
      return v2Checkpoints.computeIfAbsent(state.size(), k -> note);
    }
  }

  /** Counts the failure, halts the sequencer, and returns the error that fails the request. */
  private IOException selfCheckFailed(String what, Exception cause) {
    metrics.proofSelfCheckFailure();
    sequencer.halt("proof self-check failed: " + what);
    return new IOException(what, cause);
  }

  private ParsedHead parsedHead(TreeState state) {
    ParsedHead h = parsedHead;
    if (h != null && h.state() == state) {
      return h;
    }
    try {
      h = new ParsedHead(state, v1View(SignedNote.parse(state.checkpoint())));
    } catch (FormatException e) {
      throw new IllegalStateException("the log's own checkpoint does not parse: " + e.getMessage(), e);
    }
    parsedHead = h;
    return h;
  }
}
