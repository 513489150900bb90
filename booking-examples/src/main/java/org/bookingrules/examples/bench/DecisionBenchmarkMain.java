package org.bookingrules.examples.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link DecisionBenchmarks} with modest settings (by default 1 fork, 3 warm-up iterations of 1 s,
 * 5 measured iterations of 1 s: about a minute) and prints the averages in nanoseconds.
 *
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java \
 *     -Dexec.mainClass=org.bookingrules.examples.bench.DecisionBenchmarkMain
 * </pre>
 *
 * Arguments (optional): {@code --forks}, {@code --warmups}, {@code --iterations}, {@code --seconds}
 * (per iteration). Under {@code exec:java} the classes come from Maven's class loader, not the JVM's class
 * path, so the forked JVM's class path is set from that loader first.
 */
public final class DecisionBenchmarkMain {

    private DecisionBenchmarkMain() {
    }

    /**
     * Runs the benchmarks.
     *
     * @param args see the class comment
     * @throws Exception if JMH fails
     */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Set.of("forks", "warmups", "iterations", "seconds"));
        useLoaderClassPath();
        int seconds = a.integer("seconds", 1);
        Options options = new OptionsBuilder()
                .include(DecisionBenchmarks.class.getName() + "\\.")
                .forks(a.integer("forks", 1))
                .warmupIterations(a.integer("warmups", 3))
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(a.integer("iterations", 5))
                .measurementTime(TimeValue.seconds(seconds))
                .jvmArgsAppend("-Xmx512m")
                .build();
        Collection<RunResult> results = new Runner(options).run();
        System.out.println();
        System.out.println("| benchmark | average | error (99.9%) | unit |");
        System.out.println("|---|---:|---:|---|");
        for (RunResult r : results) {
            Result<?> primary = r.getPrimaryResult();
            String name = r.getParams().getBenchmark();
            System.out.printf(Locale.ROOT, "| %s | %.1f | ± %.1f | %s |%n", name.substring(name.lastIndexOf('.') + 1),
                    primary.getScore(), primary.getScoreError(), primary.getScoreUnit());
        }
    }

    /**
     * JMH forks a JVM with {@code java.class.path}; under {@code exec:java} that is Maven's own, so it is
     * replaced by the URLs of the loader that loaded this class, when there are any.
     */
    private static void useLoaderClassPath() throws URISyntaxException {
        ClassLoader loader = DecisionBenchmarkMain.class.getClassLoader();
        if (!(loader instanceof URLClassLoader urls) || urls.getURLs().length == 0) {
            return;
        }
        List<String> entries = new ArrayList<>();
        for (URL url : urls.getURLs()) {
            if ("file".equals(url.getProtocol())) {
                entries.add(Paths.get(url.toURI()).toString());
            }
        }
        System.setProperty("java.class.path", String.join(File.pathSeparator, entries));
    }
}
