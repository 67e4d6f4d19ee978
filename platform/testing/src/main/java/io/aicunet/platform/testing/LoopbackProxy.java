package io.aicunet.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a server of the local stack or a service under
 * test. Bytes pass unchanged (TLS runs end to end through it). A test can
 * <ul>
 *   <li>{@link #cut} it: every open connection is closed and new ones are refused, as when
 *       the server is down, until {@link #restore};</li>
 *   <li>{@link #holdReplies hold the server's replies}: the client's bytes still reach the
 *       server, the server's wait in the proxy until {@link #releaseReplies}, so whatever
 *       reaches the server meanwhile was sent without waiting for an answer.</li>
 * </ul>
 * Only loopback traffic; its threads are daemons and end with it.
 */
public final class LoopbackProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Object replies = new Object();
    private boolean repliesHeld;
    private volatile boolean cut;
    private volatile boolean closed;

    /** A proxy to 127.0.0.1:targetPort. */
    public LoopbackProxy(int targetPort) throws IOException {
        this(InetAddress.getLoopbackAddress().getHostAddress(), targetPort);
    }

    /** A proxy to {@code targetHost:targetPort} (a loopback address of the stack). */
    public LoopbackProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("proxy-accept", this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Closes every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        open.forEach(LoopbackProxy::closeQuietly);
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    /** From now on the server's replies wait in the proxy. */
    public void holdReplies() {
        synchronized (replies) {
            repliesHeld = true;
        }
    }

    /** The held replies, and all after them, go on to the client. */
    public void releaseReplies() {
        synchronized (replies) {
            repliesHeld = false;
            replies.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(server);
                daemon("proxy-requests", () -> pump(client, server, false));
                daemon("proxy-replies", () -> pump(server, client, true));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromServer) {
        byte[] buffer = new byte[65_536];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                if (fromServer) {
                    synchronized (replies) {
                        while (repliesHeld) {
                            replies.wait();
                        }
                    }
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException ended) {
            // One side closed, or the proxy did: close the other.
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
    public void close() {
        closed = true;
        releaseReplies();
        cut();
        try {
            listener.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
