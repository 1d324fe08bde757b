"""Distributed IB classifier."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from skdib._dib._base import BaseDistributedIB
from skdib._dib._inputs import balanced_class_weights
from skdib._dib._split import check_validation_classes
from skdib._utils._proba import LogProbaMixin

__all__ = ["DistributedIBClassifier"]


class DistributedIBClassifier(LogProbaMixin, ClassifierMixin, BaseDistributedIB):
    """Distributed Information Bottleneck classifier.

    Each feature (or feature group) is compressed by its own stochastic
    encoder into a Gaussian posterior; a decoder predicts the class from the
    concatenated samples. Training sweeps the bottleneck strength β upwards
    from ``beta_start`` to ``beta_end`` and records, at ``n_checkpoints``
    log-spaced values, the bits kept from every channel and the validation
    score: the :class:`~skdib.InformationPath` in ``information_path_``.

    Parameters
    ----------
    class_weight : None, 'balanced' or dict, default=None
        Weights of the classes, as in scikit-learn's classifiers.
        'balanced' weights each class inversely to its frequency in ``y``,
        the rows counted by their ``sample_weight`` as scikit-learn's
        LogisticRegression counts them: a row of weight 0 does not count,
        and one of weight k counts k times, as its k copies would (a class
        of weight-0 rows only gets weight 0, where scikit-learn gives it
        inf; its trees, forests and SVC count every row once, whatever its
        weight). The class weights multiply ``sample_weight``
        and weight what it weights (see :meth:`fit`): the training loss
        and, when the validation rows are split from ``X``, the path's
        validation loss, score and bits, and so the default point. The rows
        of an explicit ``X_val`` count equally, whatever their class: pass a
        validation set in the class proportions that its score should have.
    predict_samples : int, default=32
        ``predict_proba`` averages the class probabilities over this many
        draws of the channels' messages U ~ p(u | x), the predictive
        distribution the model was trained for (the same fixed draws for
        every row). On breast cancer it nearly halved the test log loss at the
        default point (0.32 to 0.17; see the user guide). 0 decodes the
        posterior means.
    label_smoothing : float in [0, 1) or 'auto', default='auto'
        The decoder trains against the labels mixed with this share of the
        uniform distribution over the classes, so that no prediction is
        worth making with more confidence than 1 - ε(K - 1)/K: a
        confidently wrong prediction then costs at most log(K/ε) nats of
        log loss instead of tens. Held-out losses, scores and every
        information estimate use the true labels. 'auto': 0.01 for data
        with continuous channels (tuned on breast cancer, where it lowered
        the test log loss at the default point; see the user guide,
        "Probabilities"), 0 when every channel is discrete.
    feature_groups : None, list or dict, default=None
        How columns form channels. None: one channel per column. A list: one
        channel per entry, each a column (index or name) or a list of columns
        (e.g. a one-hot block, or a 2-D position). A dict: channel name ->
        columns. Columns in no group are not used. Here and in
        ``categorical_features`` an integer is a position and a string a
        name; an integer that is another column's integer label is refused
        as ambiguous (user guide, "Columns named by integers").
    categorical_features : 'auto', list or None, default='auto'
        Columns of a DataFrame that are categories: each becomes one channel
        (one-hot inside), named after the column, with its distinguishability
        matrix over its categories. 'auto': every column that does not
        hold numbers (numeric and boolean dtypes, and object columns whose
        entries are all real numbers, such as Decimals, are numbers; date,
        time, period and interval columns are refused: convert them to
        numbers, or to ``category``); a list names
        them (codes and dates allowed); None: none (non-numeric columns are
        then refused). A category first seen at predict is encoded as all
        zeros, with a warning; its message carries no information about it.
    encoder_hidden : tuple of int or 'auto', default='auto'
        Hidden widths of every channel's encoder MLP.
    discrete_encoder : {'auto', 'table', 'mlp'}, default='auto'
        The encoder of a discrete channel (one whose training rows take at
        most 64 distinct values, at most one per 20 rows, with at most 4096
        combinations of its columns' values: a Boolean input, a one-hot
        group, a small code).
        'table': a lookup table holding one trainable message per value;
        a value not seen in training takes the message of the nearest
        training value. 'mlp': the encoder MLP, as for continuous channels.
        'auto': 'table' when every channel is discrete, else 'mlp' (mixed
        data keeps the measured continuous recipe).
    embedding_dim : int or 'auto', default='auto'
        Dimension of each channel's Gaussian representation U_i.
    decoder_hidden : tuple of int or 'auto', default='auto'
        Hidden widths of the decoder MLP.
    activation : {'relu', 'tanh', 'gelu', 'elu', 'leaky_relu', 'silu'}, default='relu'
    fourier_frequencies : None, int or array-like, default=None
        Positional (Fourier) encoding of each standardised value z as
        [z, sin(w_1 z), ...]. An int K uses w_k = 2^k π for k = 1..K, as in
        the paper's Appendix A; an array gives the frequencies.
    beta_start, beta_end : float, default=1e-4, 1.0
        Range of the log-spaced β ramp. At β ≥ 1 no information is worth
        keeping, so 1 ends the sweep for most problems.
    n_pretrain_steps : int or 'auto', default='auto'
        Optimisation steps at ``beta_start`` before the ramp. Too few leave
        weak but real contributions unlearned at the start of the path.
    n_steps : int or 'auto', default='auto'
        Steps of the ramp.
    n_checkpoints : int, default=30
        Points recorded on the path (evenly spaced in log β).
    n_replicates : int, default=1
        Sweeps of the same rows with different seeds. At every checkpoint
        the path keeps the replicate whose validation loss of the prediction
        is lowest (its bits, scores and snapshot), which makes the path and
        the default point less dependent on one sweep's luck, at
        ``n_replicates`` times the cost. Measured on held-out splits, 4
        replicates raised breast cancer's test accuracy on 4 of 5 splits and
        lowered its test log loss on 3 (by up to 22 %; 7 % higher on one),
        and did not help on diabetes (user guide, "Replicates"). Replicate 0
        is the fit of ``n_replicates=1``. On a GPU the replicates train as
        one batched model. The choice is made on the validation rows, which then read
        slightly optimistic.
    batch_size : int or 'auto', default='auto'
        Training rows per optimisation step.
    learning_rate : float or 'auto', default='auto'
        Adam's learning rate.
    weight_decay : float >= 0 or 'auto', default='auto'
        Decoupled weight decay (AdamW) on every parameter: each step
        multiplies the weights by ``1 - learning_rate * weight_decay``. 0 is
        plain Adam.
    warmup_fraction : float in [0, 1] or 'auto', default='auto'
        Share of all steps over which the learning rate rises linearly from
        nearly 0 to ``learning_rate`` (0: no warm-up). The settings
        above that default to
        'auto' follow the default recipe, chosen from the data at fit time
        and recorded in ``recipe_``: when every channel is discrete (see
        ``discrete_encoder``: e.g. Boolean inputs or one-hot groups), lookup
        tables, embedding 8, decoder (64, 64), 250 + 2500 steps at 2e-2 in
        batches of 512; otherwise encoders (32, 32) (one layer of 16 and a
        weight decay of 0.3 below 1000 training rows), embedding 4, decoder
        (64, 64), 500 + 2500 steps at 1e-3 in batches of 256, network
        encoders throughout, no warm-up. Both fit about 4-10x faster than
        the 0.1 defaults (see the user guide for what was measured). A value
        given explicitly is used as it is.
    validation_fraction : float, default=0.2
        Held-out share (stratified) for the path's KL, loss and score. 0 uses
        the training data. ``fit`` also takes an explicit validation set
        (``X_val``, ``y_val``) or ``groups`` to hold out whole groups.
    information_bounds : bool or 'auto', default=True
        Estimate each channel's information with bounds at every checkpoint,
        from held-out data, in float64, the same way on every device: the
        exact finite-mixture information for discrete channels (at most 64
        distinct values), the InfoNCE / leave-one-out sandwich on batches of
        K = min(1024, held-out rows) for continuous ones, averaged over
        max(2, ceil(256 / K)) batches (at least 256 draws, user guide "Bits
        on a few held-out rows"); see ``InformationPath.information_method``.
        False reports the KL upper bound as ``information``. 'auto' is the
        same as True (kept for older code). The time spent is in ``bounds_time_``.
    select_point : {'auto', 'best', 'one_se'}, default='auto'
        The default path point (``best_point_``) used by predict/transform,
        chosen on the validation rows. 'one_se': the most compressed point
        whose loss of the prediction (here the log loss of ``predict_proba``;
        1 - R² for the regressor) is within one standard error of the lowest,
        the standard error of the paired difference on the same rows: fewer
        bits, equally good within the noise of the validation set. 'best':
        the highest validation score (ties: lowest validation loss). 'auto'
        is 'one_se', for both estimators. Measured against 'best' by accuracy
        (breast cancer, wine, synthetic tables), it kept the accuracy and
        lowered the test log loss; see the user guide.
    keep_snapshots : bool or 'exact', default=True
        Keep the parameters of every checkpoint so the model can be rewound
        with :meth:`set_path_point`. True stores each snapshot as its change
        from the one before, coded in 7 bits per weight with a scale per row
        (every weight within 1/126 of its row's largest change since the last
        checkpoint) and compressed: a default fit of breast cancer pickles at
        about a third of the float32 size (0.73 MB against 2.27 MB with
        'exact'), and its predicted probabilities move by under 1e-2 (see
        the user guide). The path is scored with the weights
        as stored, so its numbers are those of the rewound model; training
        goes on from the exact ones. 'exact' keeps float32 copies; False
        keeps none: only the last point is available, and it is then also
        the default point ``best_point_`` (with a warning when
        ``select_point`` would choose another).
    device : {'auto', 'cpu', 'cuda'} or torch.device, default='auto'
        Where to train. Outputs are always numpy arrays on the CPU.
    precision : {'float32', 'bfloat16', 'tf32'}, default='float32'
        Arithmetic of the training steps. 'float32' is IEEE float32 on a
        GPU whatever ``torch.set_float32_matmul_precision`` says (while no
        'tf32' fit runs in another thread); a CPU is left as the process
        set it.
        'bfloat16' runs the forward passes under ``torch.autocast``
        (parameters, optimizer and loss stay float32); 'tf32' lets an NVIDIA
        GPU's float32 matrix products (forward and backward) use TF32 tensor
        cores and is float32 on a CPU. Checkpoints, predictions
        and information estimates are always computed in float32 or
        float64. bfloat16 pays where matrix products dominate and the
        hardware has bfloat16 units (GPUs, CPUs with AMX): a 1.7x faster
        step for the glass-size network on one Sapphire Rapids core, none
        at the default size; its effect on the bits is measured in the user
        guide.
    n_threads : int or None, default=1
        torch CPU threads during fit and predict; None keeps torch's current
        setting. One thread is fastest for small networks and on shared
        machines (two threads competing with another process were measured
        13-25x slower per step); to use more cores, run several fits in
        parallel (joblib), or raise it for wide networks on an idle machine.
    random_state : int, RandomState, Generator or None, default=None
        Seeds the split, initialisation, batches and noise (a local
        generator; the global torch seed is not touched). None draws the
        seed from numpy's global ``RandomState``, as in scikit-learn, so
        ``np.random.seed(0)`` before two fits makes them equal.
    verbose : int, default=0
        Show a progress bar with β, loss and total bits.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    target_entropy_ : float
        Entropy H(Y) in bits of the labels of the training rows, each row
        counted with the weight the fit trains it with (``sample_weight``
        times the weight of its class under ``class_weight``; with
        'balanced' close to log2 of the number of classes that have rows of
        positive weight, which may be fewer than ``classes_``): the most
        information about y that any representation can carry for the rows
        as the fit weights them.
    information_path_ : InformationPath
    fit_time_, bounds_time_ : float
        Seconds spent in the sweep, and in computing bounds within it.
    device_ : str
        The device the sweep ran on, ``device`` resolved: ``'cpu'`` or
        ``'cuda:0'``, say (``device='auto'`` picks the GPU when there is
        one). The fitted network stays there, and a ``copy.deepcopy`` of
        the model too; a model loaded from a pickle runs on the CPU, and
        ``device_`` still names where it was fitted.
    recipe_ : dict
        The network and schedule the fit used: ``discrete_encoder``,
        ``encoder_hidden``, ``embedding_dim``, ``decoder_hidden``,
        ``n_pretrain_steps``, ``n_steps``, ``learning_rate``,
        ``batch_size``, ``weight_decay``, ``warmup_fraction`` and
        ``label_smoothing``, with
        ``kind`` ('discrete' or
        'continuous', the recipe behind the 'auto' values), ``small_table``
        (whether the small-table settings applied) and ``auto`` (the
        names that were 'auto').
    best_point_ : int
        The default checkpoint, chosen by ``select_point``.
    path_replicate_ : ndarray of shape (n_points,)
        The replicate each checkpoint of the path comes from (all 0 for one
        replicate).
    replicate_loss_val_ : ndarray of shape (n_replicates, n_points)
        Every replicate's validation loss of the prediction (bits per row for
        the classifier; for the regressor the squared error over the target
        variance, the terms of 1 - R²), from which ``path_replicate_`` was
        chosen; NaN after a replicate that diverged.
    path_point_ : int
        Checkpoint the model currently uses for predict/transform.
    fit_status_ : {'complete', 'interrupted', 'diverged'}
        A sweep stopped by Ctrl-C or a divergence keeps the path up to its
        last good checkpoint and predicts from it; :meth:`continue_fit` with
        the same data finishes it.
    n_validation_samples_ : int
        Held-out rows the path's scores and bits were measured on.
    checkpoint_steps_ : ndarray of shape (n_points,)
        The training step of each checkpoint.
    channels_ : list of list of int
        Input columns of each channel.
    n_channels_ : int
    network_ : torch.nn.Module
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import DistributedIBClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = DistributedIBClassifier(n_steps=300, n_pretrain_steps=100,
    ...                               n_checkpoints=5, beta_end=30,
    ...                               random_state=0).fit(X, y)
    >>> clf.information_path_.information.shape
    (5, 3)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _target_validation = {"y_numeric": False}
    _parameter_constraints = {
        **BaseDistributedIB._parameter_constraints,
        "class_weight": [None, dict, StrOptions({"balanced"})],
        "predict_samples": [Interval(Integral, 0, None, closed="left")],
        "label_smoothing": [Interval(Real, 0, 1, closed="left"),
                            StrOptions({"auto"})],
    }

    def __init__(self, *, class_weight=None, predict_samples=32,
                 label_smoothing="auto", feature_groups=None,
                 categorical_features="auto", encoder_hidden="auto",
                 discrete_encoder="auto",
                 embedding_dim="auto", decoder_hidden="auto", activation="relu",
                 fourier_frequencies=None, beta_start=1e-4, beta_end=1.0,
                 n_pretrain_steps="auto", n_steps="auto", n_checkpoints=30,
                 n_replicates=1, batch_size="auto", learning_rate="auto",
                 weight_decay="auto", warmup_fraction="auto",
                 validation_fraction=0.2,
                 information_bounds=True, select_point="auto",
                 keep_snapshots=True, device="auto", precision="float32",
                 n_threads=1,
                 random_state=None, verbose=0):
        self.class_weight = class_weight
        self.predict_samples = predict_samples
        self.label_smoothing = label_smoothing
        super().__init__(
            feature_groups=feature_groups,
            categorical_features=categorical_features, encoder_hidden=encoder_hidden,
            discrete_encoder=discrete_encoder,
            embedding_dim=embedding_dim, decoder_hidden=decoder_hidden,
            activation=activation, fourier_frequencies=fourier_frequencies,
            beta_start=beta_start, beta_end=beta_end,
            n_pretrain_steps=n_pretrain_steps, n_steps=n_steps,
            n_checkpoints=n_checkpoints, n_replicates=n_replicates,
            batch_size=batch_size,
            learning_rate=learning_rate, warmup_fraction=warmup_fraction,
            weight_decay=weight_decay,
            validation_fraction=validation_fraction,
            information_bounds=information_bounds, select_point=select_point,
            keep_snapshots=keep_snapshots, device=device, precision=precision,
            n_threads=n_threads,
            random_state=random_state, verbose=verbose)

    def _class_weights(self, y, sample_weight=None):
        """Per-row weights from ``class_weight`` (None when not set);
        'balanced' counts the classes by ``sample_weight``."""
        if self.class_weight is None:
            return None
        if isinstance(self.class_weight, dict):
            bad = {k: v for k, v in self.class_weight.items()
                   if isinstance(v, bool) or not isinstance(v, Real)
                   or not (np.isfinite(v) and v >= 0)}
            if bad:
                raise ValueError("class_weight values must be finite and >= 0; "
                                 f"got {bad}.")
            return compute_sample_weight(self.class_weight, y)
        return balanced_class_weights(y, sample_weight)

    def _head_options(self, y_train, rng):
        """The head's label smoothing, as the recipe resolved it."""
        return {"label_smoothing": float(self._recipe["label_smoothing"])}

    def _fit_target_scaling(self, y_train, y_val, w_train=None):
        """Record H(Y) of the (weighted) training labels; codes need no scaling."""
        p = np.bincount(y_train, weights=w_train)
        p = p / p.sum()
        p = p[p > 0]
        self.target_entropy_ = float(-np.sum(p * np.log2(p)))
        return y_train, y_val

    def _prepare_target(self, y):
        check_classification_targets(y)
        self._label_encoder = LabelEncoder().fit(y)
        self.classes_ = self._label_encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"The target has only 1 class ({self.classes_[0]!r}); a classifier "
                "needs samples of at least 2 classes."
            )
        codes = self._label_encoder.transform(y)
        return codes, "categorical", len(self.classes_), "long", True

    def _check_weighted_target(self, y_enc):
        kept = np.unique(y_enc)
        if len(kept) < 2:
            raise ValueError(
                "The rows of positive sample weight hold only 1 class "
                f"({self.classes_[kept[0]]!r}); a classifier needs samples of at "
                "least 2 classes.")

    def _check_validation_target(self, y, y_val):
        check_validation_classes(y, y_val)

    def predict_proba(self, X):
        """Class probabilities at the current path point.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return self._head_output(X, n_samples=self._prediction_samples())

    def predict(self, X):
        """Most probable class at the current path point."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
