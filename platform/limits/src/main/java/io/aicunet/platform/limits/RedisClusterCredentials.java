package io.aicunet.platform.limits;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Lets a service's Redis client log in to every node of a Redis Cluster with its ACL user
 * and {@code quarkus.redis.password}. Vert.x 4.5's cluster client reaches the nodes it
 * learns from the cluster's slot map with the user and password of the configured URL's
 * user information only, not the password setting: with {@code ?user=<service>} URLs (the
 * fleet's form, docs/redis.md) each such connection was refused (WRONGPASS). In cluster
 * mode, each endpoint without a password in it gets {@code <user>:<password>@}, the
 * password percent-encoded (Vert.x decodes it); a standalone client is left as it is. The
 * password stays in the Secret and the setting; no URL that a chart or ./fleet renders
 * carries it.
 */
@Singleton
public class RedisClusterCredentials implements RedisOptionsCustomizer {

    @Override
    public void customize(String clientName, RedisOptions options) {
        if (options.getType() == RedisClientType.CLUSTER && options.getPassword() != null) {
            options.setEndpoints(withCredentials(options.getEndpoints(), options.getPassword()));
        }
    }

    /** The endpoints with user and password in their user information, where a user is named. */
    static List<String> withCredentials(List<String> endpoints, String password) {
        return endpoints.stream().map(endpoint -> withCredentials(endpoint, password)).toList();
    }

    private static String withCredentials(String endpoint, String password) {
        URI uri = URI.create(endpoint);
        if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
            return endpoint;
        }
        String user = uri.getRawUserInfo() != null ? uri.getRawUserInfo() : userParameter(uri.getRawQuery());
        if (user == null) {
            return endpoint;
        }
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + user + ":" + encode(password) + "@" + uri.getHost()
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path + query;
    }

    private static String userParameter(String query) {
        if (query == null) {
            return null;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("user=")) {
                return parameter.substring("user=".length());
            }
        }
        return null;
    }

    private static String encode(String password) {
        return URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
