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

    /** A socket to the target's host and port: TLS, verified by this JVM's trust and the host name, for https. */
    private static java.net.Socket open(URI target) throws IOException {
        if (!"https".equals(target.getScheme())) {
            return new java.net.Socket(target.getHost(), target.getPort());
        }
        try {
            javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) javax.net.ssl.SSLContext.getDefault()
                    .getSocketFactory().createSocket(target.getHost(), target.getPort());
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            return socket;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * {@code method path} declaring a body one byte over the service's
     * {@code quarkus.http.limits.max-body-size} (read from the test's configuration, which
     * is the service's in a {@code @QuarkusTest}) is a 413 problem+json, answered from the
     * declared length before any byte of the body: the request is written on a socket of
     * its own (TLS with the name checked, for an https service; with
     * {@code Expect: 100-continue}) and no body follows its headers.
     */
    public StrictJsonCheck assertTooLarge(String method, String path) {
        long declared = bytesOf(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.limits.max-body-size", String.class).orElse("10240K")) + 1;
        String call = method + " " + path + " declaring " + declared + " bytes";
        URI target = URI.create(serviceUrl + path);
        StringBuilder head = new StringBuilder(method + " " + target.getRawPath() + " HTTP/1.1\r\n")
                .append("Host: ").append(target.getHost()).append(':').append(target.getPort()).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(declared).append("\r\n")
                .append("Expect: 100-continue\r\n")
                .append("Idempotency-Key: strict-json-").append(System.nanoTime()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        try (java.net.Socket socket = open(target)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String status = in.readLine();
            java.util.Map<String, String> answerHeaders = new java.util.HashMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                answerHeaders.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            char[] body = new char[Integer.parseInt(answerHeaders.getOrDefault("content-length", "0"))];
            int read = 0;
            while (read < body.length) {
                int n = in.read(body, read, body.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            String text = new String(body, 0, read);
            assertThat(status).as("%s answered %s", call, text).startsWith("HTTP/1.1 413");
            assertThat(answerHeaders.getOrDefault("content-type", "")).as("the content type of the answer to %s", call)
                    .startsWith("application/problem+json");
            assertThat(read(call, text).path("status").asInt()).as("status member of %s", text).isEqualTo(413);
        } catch (IOException e) {
            throw new AssertionError("no answer to " + call + " (413 expected)", e);
        }
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

    /** A Quarkus memory size ({@code 4M}, {@code 10240K}, {@code 512}) in bytes. */
    static long bytesOf(String size) {
        String text = size.trim().toUpperCase(java.util.Locale.ROOT);
        char unit = text.charAt(text.length() - 1);
        int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        return Long.parseLong(shift == 0 ? text : text.substring(0, text.length() - 1)) << shift;
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
