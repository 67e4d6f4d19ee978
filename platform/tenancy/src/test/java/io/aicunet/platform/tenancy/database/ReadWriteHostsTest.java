package io.aicunet.platform.tenancy.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves how a new connection's host is chosen among several: the first that answers as
 * read-write, starting from the last chosen; a refusing or read-only host is passed over,
 * and with none read-write the choice fails naming every host's answer.
 */
class ReadWriteHostsTest {

    private static final List<String> HOSTS = List.of("a:5432", "b:5432", "c:5432");

    @Test
    void choosesTheFirstReadWriteHostInConfiguredOrder() {
        ReadWriteHosts hosts = new ReadWriteHosts(HOSTS);
        List<Integer> asked = new ArrayList<>();

        Future<Integer> chosen = hosts.choose(answers(asked, Map.of(0, "read-only", 1, "read-write", 2, "read-write")));

        assertThat(chosen.result()).isEqualTo(1);
        assertThat(asked).containsExactly(0, 1);
        assertThat(hosts.lastChosen()).isEqualTo(1);
    }

    @Test
    void passesOverAHostThatRefusesTheConnection() {
        ReadWriteHosts hosts = new ReadWriteHosts(HOSTS);

        Future<Integer> chosen = hosts.choose(answers(new ArrayList<>(),
                Map.of(0, "refused", 1, "refused", 2, "read-write")));

        assertThat(chosen.result()).isEqualTo(2);
    }

    @Test
    void startsFromTheLastChosenHostAndWrapsAround() {
        ReadWriteHosts hosts = new ReadWriteHosts(HOSTS);
        hosts.choose(answers(new ArrayList<>(), Map.of(0, "refused", 1, "refused", 2, "read-write")));
        List<Integer> asked = new ArrayList<>();

        // The remembered host (2) fails over to the first one, which was promoted meanwhile.
        Future<Integer> chosen = hosts.choose(answers(asked, Map.of(0, "read-write", 1, "refused", 2, "refused")));

        assertThat(asked).containsExactly(2, 0);
        assertThat(chosen.result()).isZero();
        assertThat(hosts.lastChosen()).isZero();
    }

    @Test
    void asksTheRememberedHostOnlyWhileItStaysReadWrite() {
        ReadWriteHosts hosts = new ReadWriteHosts(HOSTS);
        hosts.choose(answers(new ArrayList<>(), Map.of(0, "read-only", 1, "read-write", 2, "read-write")));
        List<Integer> asked = new ArrayList<>();

        hosts.choose(answers(asked, Map.of(0, "read-write", 1, "read-write", 2, "read-write")));

        assertThat(asked).containsExactly(1);
    }

    @Test
    void failsNamingEveryHostWhenNoneIsReadWrite() {
        ReadWriteHosts hosts = new ReadWriteHosts(HOSTS);

        Future<Integer> chosen = hosts.choose(answers(new ArrayList<>(),
                Map.of(0, "read-only", 1, "refused", 2, "throws")));

        assertThat(chosen.failed()).isTrue();
        assertThat(chosen.cause()).isInstanceOf(ReadWriteHosts.NoReadWriteHost.class)
                .hasMessageContaining("a:5432: answers, but is not read-write")
                .hasMessageContaining("b:5432: Connection refused")
                .hasMessageContaining("c:5432: broken check");
        assertThat(hosts.lastChosen()).isZero();
    }

    @Test
    void refusesAnEmptyHostList() {
        assertThatThrownBy(() -> new ReadWriteHosts(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    /** Each host answers as named: read-write, read-only, refused (a failed check) or throws. */
    private static java.util.function.IntFunction<Future<Boolean>> answers(List<Integer> asked,
                                                                          Map<Integer, String> answers) {
        return index -> {
            asked.add(index);
            return switch (answers.get(index)) {
                case "read-write" -> Future.succeededFuture(true);
                case "read-only" -> Future.succeededFuture(false);
                case "refused" -> Future.failedFuture(new ConnectException("Connection refused"));
                default -> throw new IllegalStateException("broken check");
            };
        };
    }
}
