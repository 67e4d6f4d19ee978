package io.aicunet.platform.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 that passes a client's bytes to the server at once and the
 * server's replies only while they are not held: with the replies held, whatever the
 * client sends next was sent without waiting for an answer (pipelined). Bytes pass
 * unchanged, so TLS runs end to end through it.
 */
final class RepliesHeldProxy implements AutoCloseable {

    private final ServerSocket listening;
    private final String host;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean held;

    private RepliesHeldProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.listening = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        daemon("proxy-accept", this::accept);
    }

    /** A proxy to {@code host:port}, listening on a free port of 127.0.0.1. */
    static RepliesHeldProxy to(String host, int port) throws IOException {
        return new RepliesHeldProxy(host, port);
    }

    int port() {
        return listening.getLocalPort();
    }

    /** From now on the server's replies wait in the proxy. */
    void hold() {
        synchronized (gate) {
            held = true;
        }
    }

    /** The held replies, and all after them, go on to the client. */
    void release() {
        synchronized (gate) {
            held = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket server = new Socket(host, port);
                sockets.add(client);
                sockets.add(server);
                daemon("proxy-requests", () -> copy(client, server, false));
                daemon("proxy-replies", () -> copy(server, client, true));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void copy(Socket from, Socket to, boolean replies) {
        byte[] buffer = new byte[65_536];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                if (replies) {
                    synchronized (gate) {
                        while (held) {
                            gate.wait();
                        }
                    }
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException ended) {
            // The other side closed, or the proxy did.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        release();
        listening.close();
        sockets.forEach(RepliesHeldProxy::closeQuietly);
    }
}
