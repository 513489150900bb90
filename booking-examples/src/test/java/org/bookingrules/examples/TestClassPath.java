package org.bookingrules.examples;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/** This JVM's test classpath as files, for tests that compile or start Java code of their own. */
final class TestClassPath {

    private TestClassPath() {
    }

    /**
     * The test classpath as files. Surefire may start the tests from a jar that holds nothing but a
     * manifest whose {@code Class-Path} names the real entries; those are taken from it. When it
     * loads the tests in a class loader of its own, it names the test classpath in
     * {@code surefire.test.class.path}.
     */
    static List<Path> entries() {
        Set<Path> entries = new LinkedHashSet<>();
        for (String property : List.of("surefire.test.class.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(Pattern.quote(File.pathSeparator))) {
                if (entry.isBlank()) {
                    continue;
                }
                Path path = Path.of(entry).toAbsolutePath().normalize();
                entries.add(path);
                entries.addAll(manifestClassPath(path));
            }
        }
        return List.copyOf(entries);
    }

    private static List<Path> manifestClassPath(Path jar) {
        if (!Files.isRegularFile(jar) || !jar.getFileName().toString().endsWith(".jar")) {
            return List.of();
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (value == null || value.isBlank()) {
                return List.of();
            }
            List<Path> paths = new ArrayList<>();
            URI base = jar.getParent().toUri();
            for (String url : value.trim().split("\\s+")) {
                // The JAR format's Class-Path holds URLs, relative to the jar unless absolute.
                Path path = Path.of(base.resolve(url)).normalize();
                if (Files.exists(path)) {
                    paths.add(path);
                }
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + jar, e);
        }
    }
}
