# Independent float64 numpy forward pass of plantguard_potato.keras (Keras 3.3.3): reads config.json and
# model.weights.h5 from the zip with h5py (weights at layers/<class-name path>/vars/<i>), computes the
# layers as Keras documents them at inference, and writes reference-numpy.json for Keras3ImporterTest.
#   cd src/test/resources/models/keras3_potato && /usr/bin/python3 reference_numpy.py   (needs numpy, h5py)
import io, json, zipfile
import h5py, numpy as np

z = zipfile.ZipFile('plantguard_potato.keras')
cfg = json.loads(z.read('config.json'))
f = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')

def conv_valid(x, k, b):
    kh, kw, ci, co = k.shape
    H, W, _ = x.shape
    oh, ow = H - kh + 1, W - kw + 1
    out = np.zeros((oh, ow, co))
    for i in range(kh):
        for j in range(kw):
            out += x[i:i + oh, j:j + ow, :] @ k[i, j].astype(np.float64)
    return out + b

def pool2(x):
    H, W, C = x.shape
    oh, ow = H // 2, W // 2
    x = x[:oh * 2, :ow * 2, :].reshape(oh, 2, ow, 2, C)
    return x.max(axis=(1, 3))

def image(name):
    i, j, c = np.meshgrid(np.arange(256), np.arange(256), np.arange(3), indexing='ij')
    if name == 'gray128':
        return np.full((256, 256, 3), 128.0)
    if name == 'ramp':
        return ((i * 7 + j * 3 + c * 50) % 256).astype(np.float64)
    if name == 'bars':
        return np.where((j // 16) % 2 == 0, np.array([200.0, 180.0, 40.0])[c], np.array([30.0, 90.0, 30.0])[c])
    raise ValueError(name)

def forward(x):
    inner = {}
    counts = {}
    # Resizing 256x256 -> 256x256 (identity), Rescaling 1/255, RandomFlip/RandomRotation (identity).
    for l in cfg['config']['layers']:
        cls, c = l['class_name'], l['config']
        if cls == 'InputLayer':
            continue
        if cls == 'Sequential':
            for s in c['layers']:
                if s['class_name'] == 'Rescaling':
                    x = x * s['config']['scale'] + s['config']['offset']
                elif s['class_name'] == 'Resizing':
                    assert (s['config']['height'], s['config']['width']) == x.shape[:2]
                else:
                    assert s['class_name'] in ('InputLayer', 'RandomFlip', 'RandomRotation'), s['class_name']
            continue
        base = {'Conv2D': 'conv2d', 'MaxPooling2D': 'max_pooling2d', 'Flatten': 'flatten', 'Dense': 'dense'}[cls]
        n = counts.get(base, -1) + 1
        counts[base] = n
        g = f['layers/' + (base if n == 0 else f'{base}_{n}') + '/vars']
        if cls == 'Conv2D':
            x = np.maximum(conv_valid(x, g['0'][()], g['1'][()]), 0)
            inner[c['name']] = x.mean(axis=(0, 1)).tolist()
        elif cls == 'MaxPooling2D':
            x = pool2(x)
        elif cls == 'Flatten':
            x = x.reshape(-1)
        else:
            x = x @ g['0'][()].astype(np.float64) + g['1'][()]
            if c['activation'] == 'relu':
                x = np.maximum(x, 0)
            else:
                inner['logits'] = x.tolist()
                e = np.exp(x - x.max())
                x = e / e.sum()
    return x, inner

out = {'command': 'cd src/test/resources/models/keras3_potato && /usr/bin/python3 reference_numpy.py',
       'inputs': {'gray128': 'every pixel (128, 128, 128)', 'ramp': '(i*7 + j*3 + c*50) mod 256 at row i, column j, channel c',
                  'bars': 'columns j with (j div 16) even: (200, 180, 40), others (30, 90, 30)'},
       'probabilities': {}, 'logits': {}, 'conv2d_2_channel_means': {}}
for name in ['gray128', 'ramp', 'bars']:
    p, inner = forward(image(name))
    out['probabilities'][name] = p.tolist()
    out['logits'][name] = inner['logits']
    out['conv2d_2_channel_means'][name] = inner['conv2d_2']
json.dump(out, open('reference-numpy.json', 'w'), indent=1)
print(json.dumps(out['probabilities']))
