package dev.stele.client;

import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteSignature;
import dev.stele.client.protocol.NoteSigner;
import dev.stele.client.protocol.SignedNote;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/**
 * Witnesses for tests: fresh Ed25519 cosignature/v1 keys, their vkeys, tlog-policy text naming
 * them, and cosigned notes (what a witness would return, appended to a log's note).
 */
public final class TestWitnesses {
  private TestWitnesses() {}

  /**
   * One witness.
   *
   * @param name its key name (also its name in policies written here)
   * @param keys its Ed25519 key pair
   * @param signer its cosignature/v1 signer, timestamped with the current time
   * @param vkey its vkey (type 0x04)
   */
  public record Witness(String name, KeyPair keys, NoteSigner signer, String vkey) {
    /** A {@code witness} line of a policy. */
    public String policyLine() {
      return "witness " + name + " " + vkey;
    }
  }

  /** A witness named {@code name} with a fresh key. */
  public static Witness create(String name) {
    KeyPair keys = KeyFiles.generateEd25519();
    try {
      NoteSigner signer = NoteKeys.cosignatureSigner(name, Signers.forKeyPair(keys),
          () -> System.currentTimeMillis() / 1000);
      return new Witness(name, keys, signer, NoteKeys.cosignatureVerifierKey(name, keys.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Witnesses {@code prefix}1 .. {@code prefix}n. */
  public static List<Witness> create(String prefix, int n) {
    List<Witness> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(create(prefix + i));
    }
    return out;
  }

  /**
   * A policy: a witness line for each, then {@code group quorum <k> <names...>} and {@code quorum
   * quorum}; with {@code logVkey}, a log line first.
   */
  public static String policy(List<Witness> witnesses, int k, String logVkey) {
    StringBuilder sb = new StringBuilder("# a test policy\n");
    if (logVkey != null) {
      sb.append("log ").append(logVkey).append('\n');
    }
    List<String> names = new ArrayList<>();
    for (Witness w : witnesses) {
      sb.append(w.policyLine()).append('\n');
      names.add(w.name());
    }
    sb.append("group quorum ").append(k).append(' ').append(String.join(" ", names)).append('\n');
    sb.append("quorum quorum\n");
    return sb.toString();
  }

  /** {@code note} with a cosignature line from each witness appended. */
  public static String cosign(String note, List<Witness> witnesses) {
    try {
      SignedNote n = SignedNote.parse(note);
      List<NoteSignature> sigs = new ArrayList<>(n.signatures());
      for (Witness w : witnesses) {
        sigs.add(w.signer().sign(n.textBytes()));
      }
      return new SignedNote(n.text(), sigs).format();
    } catch (FormatException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code note} with one bit flipped in the last byte of {@code witness}'s cosignature. */
  public static String forge(String note, Witness witness) {
    try {
      SignedNote n = SignedNote.parse(note);
      List<NoteSignature> sigs = new ArrayList<>();
      boolean found = false;
      for (NoteSignature s : n.signatures()) {
        if (s.name().equals(witness.name()) && s.keyId() == witness.signer().keyId()) {
          byte[] b = s.signature();
          b[b.length - 1] ^= 1;
          sigs.add(new NoteSignature(s.name(), s.keyId(), b));
          found = true;
        } else {
          sigs.add(s);
        }
      }
      if (!found) {
        throw new IllegalArgumentException("no cosignature of " + witness.name() + " in the note");
      }
      return new SignedNote(n.text(), sigs).format();
    } catch (FormatException e) {
      throw new IllegalStateException(e);
    }
  }
}
