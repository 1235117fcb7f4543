"""Django's Redis cache with one client object per connection pool, and `incr` in one round trip.

Django builds a new `redis.Redis` for every cache call, and each construction rebuilds redis-py's response
callback tables (about 0.2 ms). The read APIs make one cache call per request, so reusing the thread-safe
client matters there.

Django's `incr` asks EXISTS and then INCRBY: two round trips, and a key that expires in between is created
again without its expiry. The rate limits (`registry.ratelimits`) count every upload with `incr`, so here it
is one Lua script, atomic: INCRBY only when the key exists, else ValueError as Django's. `incr_and_get` also
reads a second key in the same script: a sliding-window limit counts in one bucket and weighs the one before.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_INCR_EXISTING = """
if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end
return false
"""
_INCR_EXISTING_AND_GET = """
if redis.call('exists', KEYS[1]) == 1 then
  return {redis.call('incrby', KEYS[1], ARGV[1]), redis.call('get', KEYS[2])}
end
return false
"""


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._scripts = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _script(self, client, source):
        script = self._scripts.get((id(client), source))
        if script is None:
            script = self._scripts[(id(client), source)] = client.register_script(source)  # EVALSHA
        return script

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        value = self._script(client, _INCR_EXISTING)(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def incr_and_get(self, key, other_key, delta):
        client = self.get_client(key, write=True)
        value = self._script(client, _INCR_EXISTING_AND_GET)(
            keys=[key, other_key], args=[delta], client=client
        )
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        count, other = value
        return count, None if other is None else self._serializer.loads(other)


class WharfRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def incr_and_get(self, key, other_key, delta=1, default=None):
        """`incr(key, delta)` and `get(other_key, default)` in one round trip; ValueError if no `key`."""
        key, other_key = self.make_and_validate_key(key), self.make_and_validate_key(other_key)
        count, other = self._cache.incr_and_get(key, other_key, delta)
        return count, default if other is None else other
