package dev.stele.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * For a shared machine: how much CPU the benchmark process got per wall-clock second in each
 * iteration ({@code ·cpu.share}), and the single-threaded score divided by it ({@code
 * ·per.cpu.s}), i.e. operations per second of CPU actually received. The process total includes
 * JIT and GC threads, so allocation-heavy code is not flattered.
 *
 * <p>Use with {@code -prof dev.stele.bench.CpuShareProfiler} and one benchmark thread.
 */
public class CpuShareProfiler implements InternalProfiler {
  private long cpu0;
  private long wall0;

  @Override
  public String getDescription() {
    return "process CPU time per wall time, and the score per CPU second";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpu0 = processCpuNanos();
    wall0 = System.nanoTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    double share = (processCpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
    double score = result.getPrimaryResult().getScore();
    return List.of(
        new ScalarResult("cpu.share", share, "cpu/wall", AggregationPolicy.AVG),
        new ScalarResult("per.cpu.s", score / share,
            result.getPrimaryResult().getScoreUnit() + " per cpu", AggregationPolicy.AVG));
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
