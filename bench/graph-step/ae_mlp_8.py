# A spike for issue 16, not part of the app: ae-mlp-8's whole training step (forward, gradients,
# Adam as ResourceApplyAdam) as one TensorFlow graph, saved as a SavedModel that tfjs-node's binding
# runs as a single session call (bench/graph-step/run.ts). It measures what running the step as a
# graph instead of op by op (tfjs's eager model) would give. Needs TensorFlow for Python, e.g. the
# wheel setup-native-backend.js caches:
#   python3 -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install ~/.cache/latent-explorer/wheels/tensorflow_cpu-*.whl
#   TF_NUM_INTRAOP_THREADS=1 /tmp/tfvenv/bin/python bench/graph-step/ae_mlp_8.py /tmp/graph-step/ae-mlp-8
import sys, time
import tensorflow as tf
B=128
sizes=[784,128,32,8,32,128,784]
class Step(tf.Module):
    def __init__(self):
        super().__init__()
        init=tf.keras.initializers.GlorotUniform(seed=1)
        self.w=[tf.Variable(init((a,b)),name=f'w{i}') for i,(a,b) in enumerate(zip(sizes[:-1],sizes[1:]))]
        self.b=[tf.Variable(tf.zeros([b]),name=f'b{i}') for i,b in enumerate(sizes[1:])]
        vs=self.w+self.b
        self.m=[tf.Variable(tf.zeros_like(v),name=f'm{i}') for i,v in enumerate(vs)]
        self.v=[tf.Variable(tf.zeros_like(v),name=f'v{i}') for i,v in enumerate(vs)]
        self.t=tf.Variable(0.0,name='t')
    @tf.function(input_signature=[tf.TensorSpec([B,784],tf.float32)], jit_compile=False)
    def step(self,x):
        with tf.GradientTape() as tape:
            h=x
            for i,(w,b) in enumerate(zip(self.w,self.b)):
                h=tf.matmul(h,w)+b
                if i==5: h=tf.sigmoid(h)
                elif i!=2: h=tf.nn.relu(h)
            loss=tf.reduce_mean(tf.square(h-x))
        vs=self.w+self.b
        g=tape.gradient(loss,vs)
        self.t.assign_add(1.0)
        b1p=tf.pow(0.9,self.t); b2p=tf.pow(0.999,self.t)
        for v,m,s2,gi in zip(vs,self.m,self.v,g):
            tf.raw_ops.ResourceApplyAdam(var=v.handle,m=m.handle,v=s2.handle,beta1_power=b1p,beta2_power=b2p,lr=1e-3,beta1=0.9,beta2=0.999,epsilon=1e-8,grad=gi)
        return {'loss':loss}
m=Step()
tf.saved_model.save(m, sys.argv[1], signatures={'serving_default': m.step})
x=tf.random.uniform([B,784])
for _ in range(50): m.step(x)
t=time.perf_counter()
for _ in range(300): m.step(x)
print('Python tf.function step', round((time.perf_counter()-t)/300*1e3, 3), 'ms')
