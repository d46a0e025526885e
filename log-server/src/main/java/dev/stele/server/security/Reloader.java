package dev.stele.server.security;

import dev.stele.client.crypto.HashAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reloads files the server reads at start (TLS certificates and keys, token files) while it
 * serves: when their content changes (checked every {@code interval} on the thread
 * {@code stele-reload}, never an event loop), and on SIGHUP. A reload that fails keeps what was
 * loaded before and says why; the server goes on serving.
 */
public final class Reloader implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Reloader.class.getName());

  /** One thing to reload: what it is, the files it reads, and how to load them again. */
  public interface Action {
    String name();

    List<Path> files();

    /** Reads the files again and puts them to use; throws (changing nothing) if they are not usable. */
    void reload() throws Exception;
  }

  private final List<Action> actions;
  private final Map<Action, byte[]> seen = new HashMap<>();
  private final ScheduledExecutorService thread;
  private final Object signalHandler;

  private Reloader(List<Action> actions, Duration interval, boolean onSighup) {
    this.actions = List.copyOf(actions);
    for (Action a : this.actions) {
      seen.put(a, fingerprint(a));
    }
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stele-reload");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    this.signalHandler = onSighup ? Sighup.install(() -> thread.execute(() -> reloadAll("SIGHUP"))) : null;
  }

  /**
   * Starts watching. With {@code onSighup}, SIGHUP reloads everything (instead of the JVM's
   * default, which is to exit); the previous handler comes back on {@link #close}.
   */
  public static Reloader start(List<Action> actions, Duration interval, boolean onSighup) {
    return new Reloader(actions, interval, onSighup);
  }

  /** Reloads every action now, on the reload thread, and waits for it (tests, SIGHUP). */
  public void reloadNow() throws Exception {
    thread.submit(() -> reloadAll("request")).get(60, TimeUnit.SECONDS);
  }

  private void reloadAll(String why) {
    for (Action a : actions) {
      seen.put(a, fingerprint(a));
      reload(a, why);
    }
  }

  private void poll() {
    for (Action a : actions) {
      byte[] now = fingerprint(a);
      if (!Arrays.equals(now, seen.get(a))) {
        // Remembered whether or not the reload works: a bad file is reported once, not every poll.
        seen.put(a, now);
        reload(a, "a file changed");
      }
    }
  }

  private static void reload(Action a, String why) {
    try {
      a.reload();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "reloading " + a.name() + " (" + why + ") failed, still using what was loaded before", e);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "reloading " + a.name() + " (" + why + ") failed, still using what was loaded before: "
          + e.getMessage());
    }
  }

  /** A digest of the files' contents (a missing file counts as its own content). */
  private static byte[] fingerprint(Action a) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Path p : a.files()) {
      try {
        all.writeBytes(HashAlgorithm.SHA256.digest(Files.readAllBytes(p)));
      } catch (NoSuchFileException e) {
        all.writeBytes(("missing " + p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        all.writeBytes(("unreadable " + p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return HashAlgorithm.SHA256.digest(all.toByteArray());
  }

  @Override
  public void close() {
    if (signalHandler != null) {
      Sighup.restore(signalHandler);
    }
    thread.shutdownNow();
  }

  /** SIGHUP through {@code sun.misc.Signal} (module jdk.unsupported), kept in one place. */
  private static final class Sighup {
    static Object install(Runnable action) {
      try {
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> action.run());
        if (previous == sun.misc.SignalHandler.SIG_IGN) {
          // The JVM installs no handler for a signal the process inherited as ignored (nohup).
          LOG.warning("SIGHUP is ignored by this process (started under nohup?), so it cannot trigger a"
              + " reload; files are still reloaded when they change");
          return null;
        }
        return previous;
      } catch (IllegalArgumentException e) {
        LOG.warning("SIGHUP cannot be handled here (" + e.getMessage() + "); files are still reloaded when they change");
        return null;
      }
    }

    static void restore(Object previous) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), (sun.misc.SignalHandler) previous);
      } catch (IllegalArgumentException e) {
        // nothing to restore
      }
    }
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    actions.forEach(a -> names.add(a.name()));
    return "Reloader" + names;
  }
}
