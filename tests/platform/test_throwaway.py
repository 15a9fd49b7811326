"""An --in-memory server keeps its store in /dev/shm, which is RAM: one that
is killed rather than shut down must not hold that memory until reboot."""
import os
import signal

from simulator import throwaway


def _dirs() -> set:
    return set(throwaway.parent_dir().glob(throwaway.PREFIX + "*"))


def test_the_next_in_memory_server_removes_a_killed_ones_store(awsbox_server_factory):
    before = _dirs()
    live = awsbox_server_factory("--in-memory").start()
    (live_dir,) = _dirs() - before
    live.client("s3").create_bucket(Bucket="still-served")
    killed = awsbox_server_factory("--in-memory").start()
    (killed_dir,) = _dirs() - before - {live_dir}
    killed.client("s3").create_bucket(Bucket="left-behind")
    killed.kill()
    assert killed_dir.exists()  # nothing could remove it as it died

    following = awsbox_server_factory("--in-memory").start()
    assert not killed_dir.exists()
    # A running server's store is never taken: its lock is held.
    assert live_dir.exists()
    assert [b["Name"] for b in live.client("s3").list_buckets()["Buckets"]] == ["still-served"]
    (following_dir,) = _dirs() - before - {live_dir}
    assert following.stop(signal.SIGTERM) == 0
    assert not following_dir.exists()  # a clean shutdown removes its own


def test_a_store_is_swept_only_once_its_lock_is_released(tmp_path):
    path, lock = throwaway.create(tmp_path)
    (tmp_path / "awsbox-memory-not-a-dir").write_text("left alone")
    (tmp_path / "awsbox-test-data").mkdir()  # another program's, unlocked: never taken
    assert throwaway.sweep(tmp_path) == []
    assert path.is_dir()
    throwaway.remove(path, lock)
    assert not path.exists()
    abandoned, lock = throwaway.create(tmp_path)
    (abandoned / "state.sqlite3").write_bytes(b"x")
    os.close(lock)  # as when its process dies
    assert throwaway.sweep(tmp_path) == [abandoned]
    assert (tmp_path / "awsbox-memory-not-a-dir").read_text() == "left alone"
    assert (tmp_path / "awsbox-test-data").is_dir()
