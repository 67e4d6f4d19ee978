package io.aicunet.platform.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One connection to a Redis speaking RESP2 over TLS, for checks that look at what the
 * services left there ({@link RedisCatalogue}). The server is verified as the services
 * verify it: its certificate must chain to the given CA and name the host dialled
 * (HTTPS endpoint identification). Commands and replies as text: the
 * fleet's key names and the few replies read here are UTF-8. An error reply fails with
 * {@link IllegalStateException} naming it. Not thread-safe; close it after use.
 *
 * <p>Kept to the protocol itself, so platform/testing needs no Redis client library
 * (the services bring their own, of other versions and styles).
 */
final class RedisConnection implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int BULK_BYTES_MAX = 64 * 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RedisConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects over TLS to the Redis at host:port, verifying its certificate against the
     * PEM CA {@code ca} and {@code host}, with a 5 s timeout for the connect, the handshake
     * and each reply. A server that fails verification fails here.
     */
    static RedisConnection open(String host, int port, Path ca) {
        return connect(host, port, socket -> {
            SSLSocket tls = (SSLSocket) ServiceTls.sslContext(ca).getSocketFactory().createSocket(socket, host, port, true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return tls;
        });
    }

    /**
     * A connection without TLS, for the checks that a TLS-only Redis refuses it. Nothing
     * else uses it: the fleet's Redis takes no plaintext.
     */
    static RedisConnection openPlaintext(String host, int port) {
        return connect(host, port, socket -> socket);
    }

    /** What runs on the connected socket before the connection is handed out (the TLS handshake, say). */
    private interface Upgrade {
        Socket apply(Socket connected) throws IOException;
    }

    private static RedisConnection connect(String host, int port, Upgrade upgrade) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            return new RedisConnection(upgrade.apply(socket));
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot connect to Redis at " + host + ":" + port, e);
        }
    }

    /** The TLS version the connection runs with ({@code TLSv1.3}), or {@code none} for a plaintext one. */
    String tlsProtocol() {
        return socket instanceof SSLSocket tls ? tls.getSession().getProtocol() : "none";
    }

    /**
     * Sends one command and returns its reply: a String (simple or bulk string), a Long
     * (integer), a List of replies (array), or null (nil).
     */
    Object call(String... command) {
        try {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("*" + command.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String argument : command) {
                byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
                request.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                request.write(bytes);
                request.write('\r');
                request.write('\n');
            }
            out.write(request.toByteArray());
            out.flush();
            return reply(String.join(" ", command));
        } catch (IOException e) {
            throw new UncheckedIOException("Redis did not answer " + command[0], e);
        }
    }

    private Object reply(String command) throws IOException {
        int marker = in.read();
        if (marker == -1) {
            throw new IOException("Redis closed the connection before answering " + command);
        }
        String line = line();
        switch (marker) {
            case '+' -> {
                return line;
            }
            case '-' -> throw new IllegalStateException("Redis refused '" + command + "': " + line);
            case ':' -> {
                return Long.parseLong(line);
            }
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                if (length > BULK_BYTES_MAX) {
                    throw new IllegalStateException("Redis answered '" + command + "' with " + length
                            + " bytes, more than this check reads");
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length != length || in.read() != '\r' || in.read() != '\n') {
                    throw new IOException("Redis closed the connection inside a reply to " + command);
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(reply(command));
                }
                return items;
            }
            default -> throw new IllegalStateException("not a RESP2 reply to '" + command + "': "
                    + (char) marker + line);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int next = in.read();
            if (next == -1) {
                throw new IOException("Redis closed the connection inside a reply");
            }
            if (previous == '\r' && next == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(next);
            previous = next;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the Redis connection", e);
        }
    }
}
