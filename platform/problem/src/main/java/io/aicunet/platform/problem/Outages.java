package io.aicunet.platform.problem;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Tells broken infrastructure from bugs among the exceptions a request can end with, so
 * that an outage is answered as what it is: gRPC UNAVAILABLE or HTTP 503 with retry
 * advice ({@link #RETRY_AFTER_SECONDS}), which standard client retry policies retry, and a
 * bug as INTERNAL/500 with an incident id. An outage is, anywhere in the cause chain: a
 * refused, reset or closed connection (the PostgreSQL and Redis clients' own, Vert.x's
 * {@code ClosedConnectionException}, Netty's connect exceptions), a connection pool that
 * gave no connection in time ({@link TimeoutException}), or a PostgreSQL error whose SQL
 * state says the server is going away or overloaded (class 08 connection exception, 53
 * insufficient resources, 57P01..57P03 shutdown and "cannot connect now").
 *
 * <p>Pure Java: the client libraries' types are recognised by name, so this module needs
 * none of them.
 */
public final class Outages {

    /** How long a client is advised to wait before retrying after an outage. */
    public static final int RETRY_AFTER_SECONDS = 2;

    private static final int CAUSES_MAX = 16;

    private Outages() {
    }

    /** Whether {@code failure} (or one of its causes) is infrastructure that cannot be reached right now. */
    public static boolean isOutage(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < CAUSES_MAX; depth++) {
            if (isOutageItself(current)) {
                return true;
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return false;
    }

    private static boolean isOutageItself(Throwable failure) {
        if (failure instanceof ConnectException || failure instanceof NoRouteToHostException
                || failure instanceof UnknownHostException || failure instanceof ClosedChannelException
                || failure instanceof SocketException || failure instanceof TimeoutException) {
            return true;
        }
        if (failure instanceof SQLException sql) {
            return isOutageState(sql.getSQLState());
        }
        for (Class<?> type = failure.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            switch (type.getName()) {
                case "io.vertx.sqlclient.ClosedConnectionException",
                     "io.vertx.core.http.HttpClosedException",
                     "io.vertx.core.http.ConnectionPoolTooBusyException",
                     "io.netty.channel.ConnectTimeoutException",
                     "io.netty.channel.unix.Errors$NativeIoException",
                     "io.quarkus.redis.datasource.RedisConnectionException" -> {
                    return true;
                }
                case "io.vertx.sqlclient.DatabaseException" -> {
                    return isOutageState(sqlState(failure));
                }
                case "io.vertx.core.VertxException" -> {
                    return isConnectionMessage(failure.getMessage());
                }
                default -> {
                    // look at the superclass
                }
            }
        }
        return false;
    }

    /** SQL states of a server that cannot serve now, as opposed to a statement that is wrong. */
    static boolean isOutageState(String sqlState) {
        if (sqlState == null) {
            return false;
        }
        return sqlState.startsWith("08") || sqlState.startsWith("53")
                || sqlState.equals("57P01") || sqlState.equals("57P02") || sqlState.equals("57P03");
    }

    /** Vert.x (and its Redis client) report a lost connection as a plain VertxException with this text. */
    private static boolean isConnectionMessage(String message) {
        if (message == null) {
            return false;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("connection closed") || lower.contains("connection was closed")
                || lower.contains("connection refused") || lower.contains("connection reset")
                || lower.contains("connection is closed") || lower.contains("failed to connect");
    }

    private static String sqlState(Throwable failure) {
        try {
            Object state = failure.getClass().getMethod("getSqlState").invoke(failure);
            return state instanceof String text ? text : null;
        } catch (ReflectiveOperationException | RuntimeException notThere) {
            return null;
        }
    }
}
