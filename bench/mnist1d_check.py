"""Prints reference values of the mnist1d package's generated data set, to compare
with engram-learn's port (crates/engram-learn/src/data/mnist1d.rs and its test).

    bench/venv-learn/bin/python bench/mnist1d_check.py
"""
import numpy as np
import mnist1d
from mnist1d.data import make_dataset, get_dataset_args

d = make_dataset(get_dataset_args())
print("mnist1d", getattr(mnist1d, "__version__", "?"), "numpy", np.__version__)
print("shapes", d["x"].shape, d["x_test"].shape)
print("y[:12]", d["y"][:12].tolist())
print("y_test[:12]", d["y_test"][:12].tolist())
np.set_printoptions(precision=17)
print("x[0][:6]", [repr(v) for v in d["x"][0][:6]])
print("x[1234][20:24]", [repr(v) for v in d["x"][1234][20:24]])
print("x_test[-1][-4:]", [repr(v) for v in d["x_test"][-1][-4:]])
print("sum |x|", float(np.abs(d["x"]).sum()), "sum |x_test|", float(np.abs(d["x_test"]).sum()))
np.random.seed(42)
print("randint(0,48) after seed 42:", np.random.choice(48))
np.random.seed(42)
print("permutation(10):", np.random.permutation(10).tolist())
