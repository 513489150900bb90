package org.bookingrules.examples.web;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over one kept-alive socket, written by hand: for what {@link java.net.http.HttpClient}
 * refuses to send (malformed percent-encoding in a path or query) and for floods, where a request
 * costs one write and one read. Requests are sent exactly as given. Not thread-safe.
 */
final class RawHttp implements AutoCloseable {

    /** One response. */
    record Reply(int status, Map<String, List<String>> headers, String body) {

        /** @return the first value of a header (name in any case) */
        Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** @return every value of a header */
        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /**
     * @param baseUrl the server, for example {@code http://127.0.0.1:8080}
     */
    RawHttp(String baseUrl) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
    }

    /**
     * Sends a GET.
     *
     * @param target the request target, sent as is
     * @param headers extra header lines, for example {@code "Cookie: a=b"}
     * @return the response
     */
    Reply get(String target, String... headers) {
        return send("GET", target, null, null, headers);
    }

    /**
     * Sends a POST with a body.
     *
     * @param target the request target, sent as is
     * @param contentType the Content-Type, or null for none
     * @param body the body, UTF-8
     * @param headers extra header lines
     * @return the response
     */
    Reply post(String target, String contentType, String body, String... headers) {
        return send("POST", target, contentType, body, headers);
    }

    /**
     * Sends one request, opening the connection first if the server closed it.
     *
     * @param method the method
     * @param target the request target, sent as is
     * @param contentType the Content-Type, or null
     * @param body the body, or null
     * @param headers extra header lines
     * @return the response
     */
    Reply send(String method, String target, String contentType, String body, String... headers) {
        StringBuilder head = new StringBuilder().append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("\r\n");
        try {
            boolean reused = socket != null && !socket.isClosed();
            if (!reused) {
                connect();
            }
            Reply reply;
            try {
                reply = exchange(head.toString(), bytes);
            } catch (IOException closedMeanwhile) {
                if (!reused) {
                    throw closedMeanwhile;
                }
                // The server closed the kept-alive connection before this request (as after an error
                // it answered): once more on a new one, as HTTP clients do.
                close();
                connect();
                reply = exchange(head.toString(), bytes);
            }
            if (reply.header("Connection").filter(v -> v.equalsIgnoreCase("close")).isPresent()) {
                close();
            }
            return reply;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
            socket = null;
        }
    }

    private Reply exchange(String head, byte[] body) throws IOException {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return read();
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private Reply read() throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> length = headers.get("content-length");
        List<String> encoding = headers.get("transfer-encoding");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length.get(0))));
        } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            for (int size = Integer.parseInt(line().split(";")[0].strip(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
        } else if (status >= 200 && status != 204 && status != 304) {
            body.write(in.readAllBytes());
            close();
        }
        return new Reply(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
