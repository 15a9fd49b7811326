"""TagResource, UntagResource, ListResourceTags."""
from __future__ import annotations

from . import errors, keys, operation, paging, tags


def _taggable(ctx, db, params) -> keys.Key:
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    keys.check_customer_managed(key)
    keys.check_not_pending_deletion(key)
    return key


@operation
def tag_resource(ctx, params):
    with ctx.store.tx() as db:
        key = _taggable(ctx, db, params)
        tags.put(db, key.account_id, key.region, key.key_id, params["Tags"])
    return {}


@operation
def untag_resource(ctx, params):
    for tag_key in params["TagKeys"]:
        if tag_key.lower().startswith("aws:"):
            raise errors.TagException(tags.RESERVED)
    with ctx.store.tx() as db:
        key = _taggable(ctx, db, params)
        tags.remove(db, key.account_id, key.region, key.key_id, params["TagKeys"])
    return {}


@operation
def list_resource_tags(ctx, params):
    db = ctx.store.read()
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    everything = tags.listed(db, key.account_id, key.region, key.key_id)
    page, more = paging.page(params, f"tags:{key.arn}", lambda limit, offset: everything[offset : offset + limit],
                             default=paging.SHORT_DEFAULT_LIMIT)
    return {"Tags": page, **more}
