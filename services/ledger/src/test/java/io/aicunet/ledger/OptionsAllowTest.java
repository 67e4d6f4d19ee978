package io.aicunet.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Proves (issue 14, item 2): {@code OPTIONS} answers in {@code Allow} exactly the methods of
 * the path asked about (platform/problem's {@code OptionsAllow}), not every method of the
 * resource class: {@code /v1/accounts} has POST only (GET is {@code /v1/accounts/{id}}'s).
 */
@QuarkusTest
class OptionsAllowTest {

    @Test
    void optionsListsExactlyThePathsMethods() {
        assertThat(allowOf("/v1/accounts")).containsExactlyInAnyOrder("POST", "OPTIONS");
        assertThat(allowOf("/v1/accounts/0b7f5a3e-7d2c-4a8e-9a56-0c1d2e3f4a5b"))
                .containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
        assertThat(allowOf("/v1/accounts/0b7f5a3e-7d2c-4a8e-9a56-0c1d2e3f4a5b/closure"))
                .containsExactlyInAnyOrder("POST", "OPTIONS");
        assertThat(allowOf("/v1/transfers")).containsExactlyInAnyOrder("POST", "OPTIONS");
    }

    private static Set<String> allowOf(String path) {
        String allow = given().when().options(path).then().statusCode(200).extract().header("Allow");
        assertThat(allow).as("Allow of OPTIONS %s", path).isNotNull();
        Set<String> methods = new TreeSet<>();
        Arrays.stream(allow.split(",")).map(String::trim).filter(m -> !m.isEmpty()).forEach(methods::add);
        return methods;
    }
}
