package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Proves: the exceptions the PostgreSQL and Redis clients raise when their server is down
 * (connection refused, connection closed, pool timeout, server shutting down, too many
 * connections), also wrapped, are outages answered UNAVAILABLE / 503 with retry advice;
 * a statement error and a bug are not, and stay INTERNAL / 500 without their text.
 */
class OutagesTest {

    @Test
    void connectionFailuresAreOutages() {
        assertThat(Outages.isOutage(new ConnectException("Connection refused: localhost/127.0.0.1:1"))).isTrue();
        assertThat(Outages.isOutage(ClosedConnectionException.INSTANCE)).isTrue();
        assertThat(Outages.isOutage(new NoStackTraceTimeoutException("Timeout waiting for a connection"))).isTrue();
        assertThat(Outages.isOutage(new VertxException("Connection was closed"))).isTrue();
        assertThat(Outages.isOutage(new CompletionException(new RuntimeException(new ConnectException("refused")))))
                .isTrue();
    }

    @Test
    void serverStatesOfAnUnavailableDatabaseAreOutages() {
        assertThat(Outages.isOutage(pg("57P01", "terminating connection due to administrator command"))).isTrue();
        assertThat(Outages.isOutage(pg("57P03", "the database system is starting up"))).isTrue();
        assertThat(Outages.isOutage(pg("53300", "sorry, too many clients already"))).isTrue();
        assertThat(Outages.isOutage(pg("08006", "connection failure"))).isTrue();
    }

    @Test
    void statementErrorsAndBugsAreNotOutages() {
        assertThat(Outages.isOutage(pg("22021", "invalid byte sequence for encoding \"UTF8\": 0x00"))).isFalse();
        assertThat(Outages.isOutage(pg("23505", "duplicate key"))).isFalse();
        assertThat(Outages.isOutage(new NullPointerException())).isFalse();
        assertThat(Outages.isOutage(new VertxException("something else"))).isFalse();
    }

    @Test
    void anOutageIsUnavailableWithRetryAdviceOnGrpc() throws Exception {
        StatusRuntimeException answer = GrpcProblems.unexpected(new ConnectException("Connection refused"));

        assertThat(answer.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        com.google.rpc.Status details = StatusProto.fromThrowable(answer);
        assertThat(details.getDetailsList()).anySatisfy(any -> assertThat(any.is(RetryInfo.class)).isTrue());
        RetryInfo retry = details.getDetailsList().stream().filter(any -> any.is(RetryInfo.class)).findFirst()
                .orElseThrow().unpack(RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(Outages.RETRY_AFTER_SECONDS);
        assertThat(details.getDetailsList()).noneSatisfy(any -> assertThat(any.is(ErrorInfo.class)
                && any.unpack(ErrorInfo.class).getReason().equals("INTERNAL")).isTrue());
    }

    @Test
    void aBugIsInternalWithoutItsTextOnGrpc() {
        StatusRuntimeException answer = GrpcProblems.unexpected(new IllegalStateException("secret internals"));

        assertThat(answer.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(answer.getStatus().getDescription()).doesNotContain("secret internals").contains("incident");
    }

    @Test
    void aStatusStaysAsItIs() {
        StatusRuntimeException given = Status.NOT_FOUND.asRuntimeException();
        assertThat(GrpcProblems.unexpected(given)).isSameAs(given);
        assertThat(new GrpcExceptions().transform(given)).isSameAs(given);
    }

    @Test
    void anOutageIs503WithRetryAfterOnRest() {
        Response answer = UnexpectedProblems.incident(ClosedConnectionException.INSTANCE);

        assertThat(answer.getStatus()).isEqualTo(503);
        assertThat(answer.getHeaderString("Retry-After")).isEqualTo(String.valueOf(Outages.RETRY_AFTER_SECONDS));
        assertThat(answer.getMediaType()).hasToString(HttpProblems.PROBLEM_JSON);
    }

    private static PgException pg(String sqlState, String message) {
        return new PgException(message, "FATAL", sqlState, null);
    }
}
