package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The strict-JSON check every service runs on its own REST routes (platform/problem's
 * StrictJson and JsonProblems): a body whose value has the wrong JSON type (a boolean or
 * number for a string, a string for a number), a {@code null} inside an array or object,
 * or a property the request does not have is refused with 400
 * application/problem+json whose {@code errors} name the field by its JSON path; a
 * method a path does not have is a 405 problem that lists the path's methods in
 * {@code Allow}. The service's test proves around these calls that nothing was written.
 */
public final class StrictJsonCheck {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String serviceUrl;
    private final Map<String, String> headers;

    private StrictJsonCheck(URL serviceUrl, Map<String, String> headers) {
        this.serviceUrl = serviceUrl.toString().replaceAll("/+$", "");
        this.headers = Map.copyOf(headers);
    }

    /** Calls {@code serviceUrl} with these caller headers ({@link TestCallers}), which may make each call. */
    public static StrictJsonCheck of(URL serviceUrl, Map<String, String> headers) {
        return new StrictJsonCheck(serviceUrl, headers);
    }

    /**
     * {@code method path} with {@code body} (JSON text) is a 400 problem+json whose errors
     * name {@code field} (e.g. {@code records[0]}, {@code reason}, {@code nope}).
     */
    public StrictJsonCheck assertRefused(String method, String path, String body, String field) {
        HttpResponse<String> answer = send(method, path, body);
        String call = method + " " + path + " " + body;
        assertThat(answer.statusCode()).as("%s answered %s", call, answer.body()).isEqualTo(400);
        assertProblemJson(call, answer);
        JsonNode problem = read(call, answer.body());
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(error -> fields.add(error.path("field").asText()));
        assertThat(fields).as("the fields %s names (%s)", call, answer.body()).contains(field);
        return this;
    }

    /**
     * {@code method path} with a body one byte over {@code limitBytes} (the service's
     * {@code quarkus.http.limits.max-body-size}) is a 413 problem+json, answered before
     * the body is sent: the request asks {@code Expect: 100-continue}, so the bytes never
     * leave this test when the service refuses by the declared length.
     */
    public StrictJsonCheck assertTooLarge(String method, String path, long limitBytes) {
        byte[] body = new byte[Math.toIntExact(limitBytes + 1)];
        java.util.Arrays.fill(body, (byte) ' ');
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serviceUrl + path))
                .version(HttpClient.Version.HTTP_1_1)
                .expectContinue(true)
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .header("content-type", "application/json")
                .header("Idempotency-Key", "strict-json-" + System.nanoTime());
        headers.forEach(request::header);
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("the service dropped " + method + " " + path + " with an oversized body"
                    + " instead of answering 413", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String call = method + " " + path + " with " + body.length + " bytes";
        assertThat(answer.statusCode()).as("%s answered %s", call, answer.body()).isEqualTo(413);
        assertProblemJson(call, answer);
        return this;
    }

    /** {@code method path} is a 405 problem+json whose {@code Allow} header lists exactly {@code allowed}. */
    public StrictJsonCheck assertMethodNotAllowed(String method, String path, String... allowed) {
        HttpResponse<String> answer = send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}");
        String call = method + " " + path;
        assertThat(answer.statusCode()).as("%s answered %s", call, answer.body()).isEqualTo(405);
        assertProblemJson(call, answer);
        List<String> allow = answer.headers().allValues("allow").stream()
                .flatMap(value -> List.of(value.split(",")).stream()).map(String::trim).toList();
        assertThat(allow).as("the Allow header of %s", call).containsExactlyInAnyOrder(allowed);
        return this;
    }

    private static void assertProblemJson(String call, HttpResponse<String> answer) {
        assertThat(answer.headers().firstValue("content-type").orElse(""))
                .as("the content type of the answer to %s", call).startsWith("application/problem+json");
        JsonNode problem = read(call, answer.body());
        assertThat(problem.path("status").asInt()).as("status member of %s", answer.body())
                .isEqualTo(answer.statusCode());
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serviceUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        request.header("accept", "application/json");
        request.header("Idempotency-Key", "strict-json-" + System.nanoTime());
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot call " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode read(String call, String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("the answer to " + call + " is not JSON: " + body, e);
        }
    }
}
