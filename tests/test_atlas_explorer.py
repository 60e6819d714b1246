"""Tests of the explorer's data files: bit strings and the JSON documents."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from nonlinear.atlas import explorer


@pytest.mark.parametrize("count", [1, 7, 8, 9, 64, 4096])
def test_bits_round_trip(count):
    bits = np.random.default_rng(count).random(count) > 0.5
    text = explorer.encode_bits(bits)
    assert np.array_equal(explorer.decode_bits(text, count), bits)
    assert len(base64.b64decode(text)) == -(-count // 8)


def test_bits_first_is_most_significant():
    bits = np.zeros(16, dtype=bool)
    bits[0] = True
    bits[15] = True
    assert base64.b64decode(explorer.encode_bits(bits)) == bytes(
        [0b10000000, 0b00000001]
    )


def test_bits_read_row_major():
    grid = np.array([[True, False], [False, False]])
    assert base64.b64decode(explorer.encode_bits(grid)) == bytes([0b10000000])


def test_decode_rejects_too_few_bits():
    with pytest.raises(
        ValueError, match=r"count must be at most the 8 bits in the text, got 9\."
    ):
        explorer.decode_bits(explorer.encode_bits(np.ones(8, dtype=bool)), 9)


def test_decode_rejects_invalid_base64():
    with pytest.raises(ValueError, match=r"text must be base64, got 'not base64!'"):
        explorer.decode_bits("not base64!", 8)


def test_write_json_compact_and_sorted(tmp_path):
    path = tmp_path / "a" / "b.json"
    explorer.write_json(path, {"b": 1, "a": [1, 2]})
    assert path.read_text(encoding="utf-8") == '{"a":[1,2],"b":1}\n'


def test_index_document():
    index = explorer.index_document(
        {"moons": "two moons"}, {"relu": "ReLU"}, [1, 3], 32, [42, 43], [1, 5], 64
    )
    assert index["format"] == explorer.FORMAT
    assert index["datasets"] == [{"name": "moons", "label": "two moons"}]
    assert index["activations"] == [{"name": "relu", "label": "ReLU"}]
    assert index["depths"] == [1, 3]
    assert index["width"] == 32
    assert index["seeds"] == [42, 43]
    assert index["epochs"] == [1, 5]
    assert index["grid_size"] == 64
    assert (
        index["run_path"]
        == "runs/{dataset}/{activation}-depth-{depth}-seed-{seed}.json"
    )
    assert index["dataset_path"] == "datasets/{dataset}.json"
    json.dumps(index)


def test_dataset_document_rounds():
    X = np.array([[0.123456789, -1.0], [2.0, 3.000049]], dtype=np.float32)
    document = explorer.dataset_document(
        "xor", (-1.0, 1.23456, 0.0, 2.0), X, np.array([0, 1])
    )
    assert document["name"] == "xor"
    assert document["bounds"] == [-1.0, 1.2346, 0.0, 2.0]
    assert document["X_test"] == [[0.1235, -1.0], [2.0, 3.0]]
    assert document["y_test"] == [0, 1]


def test_run_document():
    grid = [np.array([True, False] * 8), np.ones(16, dtype=bool)]
    correct = [np.array([True, False, True, True]), np.ones(4, dtype=bool)]
    key = {"dataset": "moons", "activation": "tanh", "depth": 1, "seed": 42}
    document = explorer.run_document(key, [1, 5], grid, correct, [0.69314718, 0.1])
    assert document["dataset"] == "moons"
    assert document["depth"] == 1
    assert document["epochs"] == [1, 5]
    assert document["test_accuracy"] == [0.75, 1.0]
    assert document["train_loss"] == [0.6931, 0.1]
    assert explorer.decode_bits(document["grid"][0], 16).tolist() == grid[0].tolist()
    assert (
        explorer.decode_bits(document["test_correct"][0], 4).tolist()
        == correct[0].tolist()
    )


def test_run_path(tmp_path):
    path = explorer.run_path(tmp_path, "xor", "leaky_relu", 3, 44)
    assert path == tmp_path / "runs" / "xor" / "leaky_relu-depth-3-seed-44.json"
