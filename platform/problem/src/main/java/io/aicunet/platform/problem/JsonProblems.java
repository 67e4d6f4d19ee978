package io.aicunet.platform.problem;

import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A JSON body that does not fit its type (see {@link StrictJson}): a 400
 * application/problem+json whose one field violation names the JSON path of the value
 * ({@code records[0]}, {@code retention[0].days}, {@code reason}) and says what it must
 * be. The path is built from the names as they are on the wire; the Java types behind
 * them are not shown. Nothing is read past the first violation, so nothing is written.
 */
@Provider
public class JsonProblems implements ExceptionMapper<MismatchedInputException> {

    @Override
    public Response toResponse(MismatchedInputException exception) {
        return HttpProblems.toResponse(problemOf(exception));
    }

    /** The field violation a Jackson binding failure stands for. */
    public static Problem.InvalidArgument problemOf(DatabindException exception) {
        String path = pathOf(exception);
        if (exception instanceof UnrecognizedPropertyException unknown) {
            return Problem.InvalidArgument.of(path, "unknown property \"" + unknown.getPropertyName()
                    + "\"; the request has no such field");
        }
        if (exception instanceof InvalidNullException) {
            return Problem.InvalidArgument.of(path, "must not be null");
        }
        if (exception instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return Problem.InvalidArgument.of(path, "must be " + expected(mismatched.getTargetType()));
        }
        return Problem.InvalidArgument.of(path, "does not fit the request's JSON schema");
    }

    /**
     * What is wrong with a body that is not JSON at all (truncated, a stray character),
     * with where Jackson stopped: its message up to the location, without the source.
     */
    static String syntaxError(StreamReadException exception) {
        String message = exception.getOriginalMessage() == null ? "unreadable" : exception.getOriginalMessage();
        int firstLine = message.indexOf('\n');
        message = firstLine < 0 ? message : message.substring(0, firstLine);
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        JsonLocation at = exception.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "not valid JSON" + where + ": " + message;
    }

    /** The JSON path of the value the exception is about, e.g. {@code retention[0].days}; "body" for the whole body. */
    static String pathOf(DatabindException exception) {
        StringBuilder path = new StringBuilder();
        List<JsonMappingException.Reference> references = exception instanceof JsonMappingException mapping
                ? mapping.getPath() : List.of();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        if (exception instanceof PropertyBindingException unknown && unknown.getPropertyName() != null
                && !path.toString().endsWith(unknown.getPropertyName())) {
            if (!path.isEmpty()) {
                path.append('.');
            }
            path.append(unknown.getPropertyName());
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class
                || type.isEnum()) {
            return "a JSON string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == long.class || type == int.class || type == short.class || type == byte.class
                || type == Long.class || type == Integer.class || type == Short.class || type == Byte.class
                || type == java.math.BigInteger.class) {
            return "a JSON integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a JSON number";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an RFC 3339 date-time string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a JSON object";
        }
        return "a value of another type";
    }
}
