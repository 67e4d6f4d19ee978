package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisClusterCredentialsTest {

    private final RedisClusterCredentials credentials = new RedisClusterCredentials();

    @Test
    void aClusterClientCarriesTheUserAndPasswordInEveryEndpoint() {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setPassword("s3cret")
                .setEndpoints(List.of("rediss://127.0.0.1:17001?user=ledger", "rediss://127.0.0.1:17002?user=ledger"));

        credentials.customize("<default>", options);

        assertThat(options.getEndpoints()).containsExactly("rediss://ledger:s3cret@127.0.0.1:17001?user=ledger",
                "rediss://ledger:s3cret@127.0.0.1:17002?user=ledger");
    }

    @Test
    void aPasswordWithReservedCharactersIsEncodedSoThatVertxDecodesItBack() {
        String password = "a b+c@d:e/f%g";
        String endpoint = RedisClusterCredentials.withCredentials(List.of("rediss://redis-0:6379?user=audit"),
                password).get(0);

        String userInfo = endpoint.substring("rediss://".length(), endpoint.lastIndexOf('@'));
        assertThat(userInfo).startsWith("audit:").doesNotContain("@", " ", "+", "/");
        assertThat(URLDecoder.decode(userInfo.substring("audit:".length()), StandardCharsets.UTF_8)).isEqualTo(password);
        assertThat(endpoint).endsWith("@redis-0:6379?user=audit");
    }

    @Test
    void aStandaloneClientAndAnEndpointWithItsOwnPasswordAreLeftAsTheyAre() {
        RedisOptions standalone = new RedisOptions().setPassword("s3cret")
                .setEndpoints(List.of("rediss://127.0.0.1:16379?user=ledger"));
        credentials.customize("<default>", standalone);
        assertThat(standalone.getEndpoints()).containsExactly("rediss://127.0.0.1:16379?user=ledger");

        assertThat(RedisClusterCredentials.withCredentials(List.of("rediss://ledger:other@127.0.0.1:17001",
                "rediss://127.0.0.1:17002"), "s3cret"))
                .containsExactly("rediss://ledger:other@127.0.0.1:17001", "rediss://127.0.0.1:17002");
    }
}
