package dev.stele.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The latency distribution of {@link VerifyBench#verify} in a plain loop, per operation in wall
 * time and in the thread's own CPU time: on a shared machine the wall-time tail is mostly time
 * the thread was not running, which the CPU-time tail leaves out.
 *
 * <pre>
 * java -Xms2g -Xmx2g -cp bench/target/benchmarks.jar dev.stele.bench.VerifyLatency [ops]
 * </pre>
 */
public final class VerifyLatency {
  private VerifyLatency() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    VerifyBench bench = new VerifyBench();
    bench.setup();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < n; i++) {
      bench.verify(); // warm-up
    }
    long[] wall = new long[n];
    long[] cpu = new long[n];
    for (int i = 0; i < n; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      bench.verify();
      wall[i] = System.nanoTime() - w0;
      cpu[i] = threads.getCurrentThreadCpuTime() - c0;
    }
    print("wall", wall);
    print("cpu ", cpu);
  }

  private static void print(String what, long[] ns) {
    Arrays.sort(ns);
    int n = ns.length;
    System.out.printf("%s  p50 %d us  p90 %d us  p99 %d us  p99.9 %d us  (%d ops)%n", what, ns[n / 2] / 1000,
        ns[n * 9 / 10] / 1000, ns[n * 99 / 100] / 1000, ns[n * 999 / 1000] / 1000, n);
  }
}
