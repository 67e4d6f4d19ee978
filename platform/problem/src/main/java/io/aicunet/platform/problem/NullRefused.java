package io.aicunet.platform.problem;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.NullValueProvider;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.util.AccessPattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Part of {@link StrictJson}: a property sent as {@code null} is refused (an
 * {@link InvalidNullException}, which {@link JsonProblems} answers as "must not be null"
 * at the property's path), while a property left out keeps its absent value (null, 0,
 * false). Jackson's own {@code Nulls.FAIL} cannot tell the two apart for a record's
 * properties, which are all passed to its constructor. Free-form {@link JsonNode}
 * properties keep an explicit {@code null}: it is a JSON value there.
 */
final class NullRefused extends BeanDeserializerModifier {

    @Override
    public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                                                 BeanDeserializerBuilder builder) {
        List<SettableBeanProperty> properties = new ArrayList<>();
        builder.getProperties().forEachRemaining(properties::add);
        Map<String, SettableBeanProperty> refusing = new HashMap<>();
        for (SettableBeanProperty property : properties) {
            if (JsonNode.class.isAssignableFrom(property.getType().getRawClass())) {
                continue;
            }
            SettableBeanProperty strict = property.withNullProvider(
                    new Provider(property.getName(), property.getNullValueProvider()));
            refusing.put(property.getName(), strict);
            builder.addOrReplaceProperty(strict, true);
        }
        // A record's properties are read through its constructor, whose arguments the
        // instantiator holds apart from the builder's properties: replace them there too.
        ValueInstantiator instantiator = builder.getValueInstantiator();
        if (!refusing.isEmpty() && instantiator != null && instantiator.canCreateFromObjectWith()) {
            SettableBeanProperty[] arguments = instantiator.getFromObjectArguments(config).clone();
            for (int i = 0; i < arguments.length; i++) {
                arguments[i] = refusing.getOrDefault(arguments[i].getName(), arguments[i]);
            }
            builder.setValueInstantiator(new ValueInstantiator.Delegating(instantiator) {
                @Override
                public SettableBeanProperty[] getFromObjectArguments(DeserializationConfig ignored) {
                    return arguments;
                }
            });
        }
        return builder;
    }

    /** Refuses a sent {@code null}; an absent property gets what it would have got without this. */
    private record Provider(String property, NullValueProvider absent) implements NullValueProvider {

        @Override
        public Object getNullValue(DeserializationContext context) throws JsonMappingException {
            throw InvalidNullException.from(context, PropertyName.construct(property), null);
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) throws JsonMappingException {
            return absent == null ? null : absent.getAbsentValue(context);
        }

        @Override
        public AccessPattern getNullAccessPattern() {
            return AccessPattern.DYNAMIC;
        }
    }
}
