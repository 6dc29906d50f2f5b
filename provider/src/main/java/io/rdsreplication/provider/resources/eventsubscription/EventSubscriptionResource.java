package io.rdsreplication.provider.resources.eventsubscription;

import io.rdsreplication.provider.aws.EventSubscriptions;
import io.rdsreplication.provider.core.Changes;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Inputs;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.resources.Context;

import java.util.HashSet;
import java.util.List;

/** rdsreplication:index:EventSubscription — the runbook's first guideline: be told of the instance's failovers. */
@SchemaType(token = EventSubscriptionResource.TOKEN, description = "The runbook's first guideline, failover monitoring: an RDS event subscription that sends the RDS instance's events (by default `availability`, `failover`, `failure` and `maintenance`) to an SNS topic, enabled. The topic is given (`snsTopicArn`) or created with the subscription's name, owned by this resource and deleted with it. A failover can give the instance new IP addresses: `pulumi refresh` shows them as drift of SecurityGroupIngress's `endpointIps`, which feed the source's firewall. Every input replaces (RDS changes a subscription's source only by recreating it); a subscription disabled by hand shows as drift and `pulumi up` recreates it enabled. Import by the subscription's name.")
public final class EventSubscriptionResource extends TypedResource<Context, EventSubscriptionResource.Args, EventSubscriptionResource.State> {
    public static final String TOKEN = "rdsreplication:index:EventSubscription";

    public record Args(
            @Prop(value = "Name of the RDS event subscription (and of the SNS topic created when `snsTopicArn` is not given). Changing it replaces the subscription.", required = true, replaces = true)
            String name,
            @Prop(value = "The RDS DB instance whose events are sent. Changing it replaces the subscription.", required = true, replaces = true)
            String dbInstanceIdentifier,
            @Prop(value = "SNS topic ARN to send the events to. Omit it to have a topic named `name` created, owned by this resource and deleted with it. Changing it replaces the subscription.", replaces = true)
            String snsTopicArn,
            @Prop(value = "RDS event categories for a DB instance. Defaults to `availability`, `failover`, `failure` and `maintenance`. Compared as a set; a change replaces the subscription.", replaces = true, customDiff = true)
            List<String> categories) {
        EventSubscriptions.Spec spec() {
            return new EventSubscriptions.Spec(name, dbInstanceIdentifier, snsTopicArn, categories);
        }
    }

    public record State(
            @Inputs Args inputs,
            @Prop(value = "ARN of the event subscription.", always = true)
            String subscriptionArn,
            @Prop(value = "The SNS topic the events go to (given, or created).", always = true)
            String topicArn,
            @Prop(value = "Whether the topic was created by this resource (and is deleted with it).", always = true)
            Boolean topicOwned,
            @Prop(value = "Whether RDS reports the subscription enabled.", always = true)
            Boolean enabled,
            @Prop(value = "The subscription's status as RDS reports it (`active`, `creating`, ...).", always = true)
            String status,
            @Prop(value = "The categories as RDS reports them.", always = true)
            List<String> activeCategories) {
    }

    public EventSubscriptionResource() {
        super(Args.class, State.class, true);
    }

    @Override
    protected void check(Check<Args> c) {
        Args in = c.news();
        if (c.unknown(Args::name) || c.unknown(Args::dbInstanceIdentifier) || c.unknown(Args::snsTopicArn)
                || c.unknown(Args::categories) || in.name() == null || in.dbInstanceIdentifier() == null) {
            return; // checked once known; absent required inputs are named already
        }
        c.addAll(in.spec().validate());
    }

    @Override
    protected void diff(Changes<Args, State> d) {
        if (d.unknown(Args::categories) || !categories(d.oldInputs()).equals(categories(d.news()))) {
            d.put(Args::categories, true);
        }
        // disabled by hand (or by RDS): recreated enabled
        if (Boolean.FALSE.equals(d.olds().enabled())) d.putOutput(State::enabled, DiffResult.Kind.UPDATE_REPLACE);
    }

    private static HashSet<String> categories(Args a) {
        return new HashSet<>(a == null || a.categories() == null || a.categories().isEmpty()
                ? EventSubscriptions.DEFAULT_CATEGORIES : a.categories());
    }

    @Override
    protected Created<State> create(Context ctx, Args in, boolean preview) {
        if (preview) return new Created<>("", new State(in, null, null, null, null, null, null));
        EventSubscriptions.Subscription s = EventSubscriptions.create(ctx.aws(), in.spec());
        ctx.progress().info("RDS events of " + in.dbInstanceIdentifier() + " (" + String.join(", ", s.categories())
                + ") go to " + s.snsTopicArn() + (s.topicOwned() ? " (a topic created for them)" : ""));
        return new Created<>(s.name(), state(in, s));
    }

    private static State state(Args in, EventSubscriptions.Subscription s) {
        return new State(in, s.arn(), s.snsTopicArn(), s.topicOwned(), s.enabled(), s.status(), s.categories());
    }

    @Override
    protected State read(Context ctx, String id, State state, Args inputs) {
        boolean owned = Boolean.TRUE.equals(state.topicOwned());
        var found = EventSubscriptions.read(ctx.aws(), id, owned);
        if (found.isEmpty()) return null;
        EventSubscriptions.Subscription s = found.get();
        Args given = inputs != null ? inputs : state.inputs();
        List<String> cats = given.categories() == null && new HashSet<>(s.categories()).equals(new HashSet<>(EventSubscriptions.DEFAULT_CATEGORIES))
                ? null : s.categories();
        Args now = new Args(s.name(), s.sourceIds().isEmpty() ? given.dbInstanceIdentifier() : s.sourceIds().get(0),
                owned ? given.snsTopicArn() : s.snsTopicArn(), cats);
        return state(now, s);
    }

    @Override
    protected State update(Context ctx, String id, State olds, Args news, boolean preview) {
        return new State(news, olds.subscriptionArn(), olds.topicArn(), olds.topicOwned(), olds.enabled(), olds.status(),
                olds.activeCategories()); // every input replaces: nothing changes in place
    }

    @Override
    protected void delete(Context ctx, String id, State state) {
        EventSubscriptions.delete(ctx.aws(), id, Boolean.TRUE.equals(state.topicOwned()) ? state.topicArn() : null);
    }
}
