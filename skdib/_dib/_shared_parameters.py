"""The parameters both tabular estimators share, documented once.

:class:`~skdib.DistributedIBClassifier` and
:class:`~skdib.DistributedIBRegressor` take the same parameters after
their own (those of ``BaseDistributedIB.__init__``, in its order); each
class's docstring is assembled from its own entries and
:data:`SHARED_PARAMETERS`, as the set estimators assemble theirs
(``skdib/_sets/_estimators.py``).
"""

__all__ = ["SHARED_PARAMETERS"]

SHARED_PARAMETERS = """    feature_groups : None, list or dict, default=None
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
        Points recorded on the path (evenly spaced in log β). β holds at
        every checkpoint for half the steps since the one before, so this
        also shapes the schedule: compare paths only between fits with the
        same ``n_checkpoints`` (user guide, "Steps").
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
        Held-out share (stratified by class for the classifier) for the
        path's KL, loss and score. 0 uses the training data. ``fit`` also
        takes an explicit validation set (``X_val``, ``y_val``) or
        ``groups`` to hold out whole groups.
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
        whose loss of the prediction (the log loss of ``predict_proba`` for
        the classifier, 1 - R² for the regressor) is within one standard
        error of the lowest, the standard error of the paired difference on
        the same rows: fewer bits, equally good within the noise of the
        validation set. 'best': the highest validation score (ties: lowest
        validation loss). 'auto' is 'one_se', for both estimators. Measured
        against 'best' by accuracy (breast cancer, wine, synthetic tables),
        it kept the accuracy and lowered the test log loss; see the user
        guide.
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
"""
