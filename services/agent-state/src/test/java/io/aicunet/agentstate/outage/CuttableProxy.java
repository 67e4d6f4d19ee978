package io.aicunet.agentstate.outage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 (or another loopback address) that a test can cut (every connection closed, new ones
 * refused) and heal: a network partition between the service and a Redis that keeps
 * its data, which stopping Redis cannot simulate.
 */
final class CuttableProxy implements AutoCloseable {

    private final String address;
    private final int port;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile ServerSocket server;

    CuttableProxy(int targetPort) {
        this("127.0.0.1", targetPort);
    }

    /**
     * A proxy listening on {@code address} (another loopback address, e.g. 127.0.0.2: the
     * target reached under a name its TLS certificate does not carry) to 127.0.0.1:targetPort.
     */
    CuttableProxy(String address, int targetPort) {
        this.address = address;
        this.port = RedisServer.freePort();
        this.targetPort = targetPort;
        heal();
    }

    int port() {
        return port;
    }

    /** How many connections it passed through to the target so far. */
    int connections() {
        return connections.get();
    }

    /** Accepts connections again. */
    synchronized void heal() {
        if (server != null) {
            return;
        }
        try {
            ServerSocket listening = new ServerSocket();
            listening.setReuseAddress(true);
            listening.bind(new InetSocketAddress(address, port));
            server = listening;
            Thread acceptor = new Thread(() -> accept(listening), "proxy-accept-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
    }

    /** Closes every connection and refuses new ones until {@link #heal}. */
    synchronized void cut() {
        if (server == null) {
            return;
        }
        closeQuietly(server);
        server = null;
        sockets.forEach(CuttableProxy::closeQuietly);
        sockets.clear();
    }

    @Override
    public void close() {
        cut();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket target;
                try {
                    target = new Socket("127.0.0.1", targetPort);
                } catch (IOException redisDown) {
                    // Redis is down: the client's connection fails, as it would without the
                    // proxy. Left open, it would answer nothing and, pooled by the client,
                    // time out every command sent on it after Redis is back.
                    closeQuietly(client);
                    continue;
                }
                connections.incrementAndGet();
                sockets.add(client);
                sockets.add(target);
                pump(client, target);
                pump(target, client);
            } catch (IOException closed) {
                // The proxy was cut: the loop ends with the closed server socket.
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // One side closed: close the other too, below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
