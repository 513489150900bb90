package org.bookingrules.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * What {@link ReadmeTest} needs to treat the README's Java blocks as code: find the project's
 * README, cut out its {@code ```java} blocks, compile each one alone with {@link JavaCompiler}
 * against the test classpath, and run a class's {@code main} in a fresh JVM.
 */
final class ReadmeTestHarness {

    private static final Pattern FENCE_OPEN = Pattern.compile("^```java\\s*$");
    private static final Pattern FENCE_CLOSE = Pattern.compile("^```\\s*$");
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "^public\\s+(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);
    /** Lint as strict as the project's own build; a README using deprecated API fails. */
    private static final List<String> JAVAC_OPTIONS = List.of("--release", "17", "-proc:none", "-implicit:none",
            "-encoding", "UTF-8", "-Xlint:all,-path,-processing,-classfile", "-Werror");

    private final Path readme;
    private final List<Path> classPath;

    private ReadmeTestHarness(Path readme, List<Path> classPath) {
        this.readme = readme;
        this.classPath = classPath;
    }

    /** The harness over the README at the root of this repository and this JVM's test classpath. */
    static ReadmeTestHarness forProject() {
        Path moduleDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path readme = moduleDir.resolve("..").resolve("README.md").toAbsolutePath().normalize();
        if (!Files.isRegularFile(readme)) {
            throw new IllegalStateException("no README.md at the repository root: " + readme);
        }
        return new ReadmeTestHarness(readme, TestClassPath.entries());
    }

    Path readme() {
        return readme;
    }

    List<Path> classPath() {
        return classPath;
    }

    // ------------------------------------------------------------------------------------ blocks

    /**
     * One {@code ```java} block of the README.
     *
     * @param className the public top-level type it declares, or null when it declares none
     * @param firstLine the README line number of the block's first line of code
     * @param source the code
     */
    record Block(String className, int firstLine, String source) {

        /** This block with other code, as if the README said so. */
        Block withSource(String changed) {
            return new Block(className, firstLine, changed);
        }

        @Override
        public String toString() {
            return (className == null ? "java block" : className) + " (README.md line " + firstLine + ")";
        }
    }

    /** Every {@code ```java} block of the README, in order. */
    List<Block> blocks() {
        List<String> lines;
        try {
            lines = Files.readAllLines(readme, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!FENCE_OPEN.matcher(lines.get(i)).matches()) {
                continue;
            }
            int first = i + 1;
            int end = first;
            while (end < lines.size() && !FENCE_CLOSE.matcher(lines.get(end)).matches()) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalStateException("README.md line " + (i + 1) + ": ```java block is never closed");
            }
            String source = String.join("\n", lines.subList(first, end)) + "\n";
            blocks.add(new Block(typeName(source), first + 1, source));
            i = end;
        }
        return blocks;
    }

    private static String typeName(String source) {
        Matcher m = TOP_LEVEL_TYPE.matcher(source);
        return m.find() ? m.group(1) : null;
    }

    // ------------------------------------------------------------------------------- compilation

    /**
     * What compiling a block gave.
     *
     * @param success whether javac accepted it without error or warning
     * @param report javac's diagnostics, each naming its README line
     * @param classes where the class files went
     */
    record Compilation(boolean success, String report, Path classes) {
    }

    /**
     * Compiles one block on its own, as a file named after its public class, against the test
     * classpath: nothing is imported for it, so a missing import or name is an error.
     */
    Compilation compile(Block block, Path workDir) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in " + System.getProperty("java.home")
                    + ": the README check needs a JDK, not a JRE");
        }
        if (block.className() == null) {
            return new Compilation(false, block + ": not a complete compilation unit (no public top-level class)",
                    null);
        }
        Path classes;
        try {
            classes = Files.createTempDirectory(workDir, block.className() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject source = new SimpleJavaFileObject(
                URI.create("string:///" + block.className() + JavaFileObject.Kind.SOURCE.extension),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return block.source();
            }
        };
        boolean success;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ENGLISH, UTF_8)) {
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
            files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
            success = javac.getTask(null, files, diagnostics, JAVAC_OPTIONS, null, List.of(source)).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String report = diagnostics.getDiagnostics().stream()
                .map(d -> describe(block, d))
                .collect(Collectors.joining("\n"));
        return new Compilation(success && diagnostics.getDiagnostics().stream()
                .noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR), report, classes);
    }

    private String describe(Block block, Diagnostic<? extends JavaFileObject> d) {
        String where = d.getLineNumber() == Diagnostic.NOPOS ? "README.md"
                : "README.md:" + (block.firstLine() + d.getLineNumber() - 1);
        String line = d.getLineNumber() == Diagnostic.NOPOS ? ""
                : "\n    " + block.source().lines().skip(d.getLineNumber() - 1).findFirst().orElse("").strip();
        return where + ": " + d.getKind().toString().toLowerCase(Locale.ROOT) + ": "
                + d.getMessage(Locale.ENGLISH) + line;
    }

    // ----------------------------------------------------------------------------------- running

    /**
     * What a JVM printed and how it ended.
     *
     * @param exitCode its exit code
     * @param out its standard output
     * @param err its standard error
     */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    /**
     * Runs {@code mainClass} in a new JVM on the test classpath plus {@code extra}, and waits for it
     * to end by itself.
     *
     * @throws AssertionError if it is still running after {@code timeout} (it is then killed)
     */
    Run runJava(List<Path> extra, String mainClass, List<String> args, Duration timeout, Path workDir) {
        try {
            List<Path> path = new ArrayList<>(extra);
            path.addAll(classPath);
            String joined = path.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
            // An argument file: the classpath may be longer than one command-line argument may be.
            Path argFile = Files.createTempFile(workDir, "java-", ".args");
            Files.writeString(argFile, "-cp\n\"" + joined.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n", UTF_8);
            Path out = Files.createTempFile(workDir, mainClass + "-", ".out");
            Path err = Files.createTempFile(workDir, mainClass + "-", ".err");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8",
                    "-Duser.timezone=UTC", "-Duser.language=en", "-Duser.country=US",
                    "@" + argFile, mainClass));
            command.addAll(args);
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            Run run = new Run(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
            if (!ended) {
                throw new AssertionError(mainClass + " did not end by itself within " + timeout + "\n" + run);
            }
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + mainClass + " ran", e);
        }
    }
}
